#!/bin/bash
# The generated man pages: groff reads them without a warning (lintian runs
# the same check), and qemu-compose(1) has every command and option that
# `--help` shows, at every level, so the page cannot lag behind the program.
#   man_pages_test.sh QEMU_COMPOSE_BINARY MAN_DIR
set -uo pipefail
bin="${1:?usage: man_pages_test.sh QEMU_COMPOSE_BINARY MAN_DIR}"
dir="${2:?usage: man_pages_test.sh QEMU_COMPOSE_BINARY MAN_DIR}"
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

for page in qemu-compose.1 qemu-compose.yaml.5 netd.conf.5 qc-netd-helper.8; do
  [ -s "$dir/$page" ] || { fail "$page was not generated"; continue; }
  warnings="$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
    "$dir/$page" 2>&1 >/dev/null)"
  [ -z "$warnings" ] && echo "ok   $page: no groff warnings" || fail "$page: $warnings"
done

# The page as text, with roff's minus signs and fonts gone, for searching.
text="$(LC_ALL=C.UTF-8 MANWIDTH=1000 man -l "$dir/qemu-compose.1" 2>/dev/null | sed 's/\x08.//g')"

# The lines of one part of the page: from the line matching START up to the
# next heading (a section, or another command's subsection).
part() {
  printf '%s\n' "$text" | awk -v start="$1" '
    found && (/^[A-Z]/ || /^   qemu-compose /) { exit }
    found { print }
    $0 ~ start { found = 1; print }'
}

# check_command "SUB…": its subsection lists every option and subcommand
# that `qemu-compose SUB… --help` lists.
check_command() {
  local help section
  help="$("$bin" $1 --help)"
  if [ -n "$1" ]; then
    section="$(part "^   qemu-compose $1( [[A-Z]|\$)")"
    [ -n "$section" ] || { fail "qemu-compose.1 has no section for '$1'"; return; }
    echo "ok   section: $(printf '%s\n' "$section" | head -1 | sed 's/^ *//')"
  else
    section="$(part '^OPTIONS$')"
  fi
  # Option names as --help prints them: "  -f,--file TEXT   Compose file".
  for opt in $(printf '%s\n' "$help" | sed -n '/^Options:/,/^$/p' |
    grep -oE '^  +-[^ ]+' | tr ',' ' '); do
    case "$opt" in -h | --help) continue ;; esac
    # A here-string, not a pipe: with pipefail, grep -q quitting early would
    # make the writer's SIGPIPE fail the check now and then.
    grep -qE -- "^ +(.*[ ,])?$opt([ ,]|\$)" <<<"$section" ||
      fail "qemu-compose.1 lacks option $opt in the part on '${1:-qemu-compose}'"
  done
  for sub in $(printf '%s\n' "$help" | sed -n '/^Subcommands:/,/^$/p' |
    awk 'NR > 1 && NF {sub(",", "", $1); print $1}'); do
    check_command "${1:+$1 }$sub"
  done
}
check_command ""

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "man pages match --help"
