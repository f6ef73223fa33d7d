#!/bin/bash
# `qemu-compose completion bash|zsh`, exercised in the shells themselves:
# what a user gets on Tab after typical command lines, names read from a
# compose file. zsh's completion builtins are stubbed (they only exist inside
# a completion widget); the stubs record what would be offered.
#   completion_test.sh QEMU_COMPOSE_BINARY
set -euo pipefail
bin="$(realpath "${1:?usage: completion_test.sh QEMU_COMPOSE_BINARY}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0

mkdir "$tmp/project" "$tmp/other"
cat >"$tmp/project/qemu-compose.yaml" <<'YAML'
name: t
vms:
  web: {kernel: /boot/vmlinuz, networks: [backend]}
  db: {kernel: /boot/vmlinuz}
networks:
  backend: {}
YAML
cat >"$tmp/other/custom.yaml" <<'YAML'
vms:
  alpha: {kernel: /boot/vmlinuz}
YAML
touch "$tmp/project/some-file.txt"
"$bin" completion bash >"$tmp/qc.bash"
"$bin" completion zsh >"$tmp/qc.zsh"

# check SHELL "WORDS" "EXPECTED": WORDS as typed before Tab (a trailing space
# means a new, empty word); EXPECTED sorted and space-separated.
check() {
  local shell=$1 words=$2 want=$3 got
  local -a argv
  read -ra argv <<<"$words"
  [[ -z "$words" || "$words" == *" " ]] && argv+=("")
  if [ "$shell" = bash ]; then
    got="$(cd "$tmp/project" && bash -c '
      source "$1"; shift
      COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
      _qemu_compose; printf "%s\n" "${COMPREPLY[@]}"' _ "$tmp/qc.bash" "$bin" "${argv[@]}" |
      sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')"
  else
    got="$(cd "$tmp/project" && zsh -f -c '
      compdef() { :; }
      compset() { :; }
      # Like zsh, offer only the words that start with what is typed.
      offer() { local w; for w in "$@"; do [[ $w == ${words[CURRENT]}* ]] && out+=("$w"); done; }
      compadd() { if [[ $1 == -a ]]; then offer ${(P)2}; else offer "$@"; fi; }
      _describe() { offer ${${(P)4}%%:*}; }
      _files() { out+=(FILES); }
      source "$1"; shift
      words=("$@"); CURRENT=${#words}; out=()
      _qemu-compose; print -rl -- $out' _ "$tmp/qc.zsh" "$bin" "${argv[@]}" |
      sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')"
  fi
  if [ "$got" = "$want" ]; then
    echo "ok   $shell: qemu-compose $words<Tab> -> $got"
  else
    echo "FAIL $shell: qemu-compose $words<Tab>"
    echo "     want: $want"
    echo "     got:  $got"
    failures=$((failures + 1))
  fi
}

commands="$("$bin" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF {print $1}' | sort |
  tr '\n' ' ' | sed 's/ $//')"
for shell in bash zsh; do
  check $shell "" "$commands"
  check $shell "up " "db web"
  check $shell "up web " "db web"
  check $shell "inspect " "db web"
  check $shell "network " "down ls rm"
  check $shell "network rm " "backend"
  check $shell "ps --format " "json text"
  check $shell "completion " "bash zsh"
  check $shell "-f $tmp/other/custom.yaml logs " "alpha"
  check $shell "--file $tmp/other/custom.yaml stop " "alpha"
  check $shell "logs -f " "db web" # logs' own -f is --follow, not the top level's --file
  check $shell "ssh web " "" # the rest of the line is the remote command
done
check bash "up --wa" "--wait"
check bash "-f " "$(cd "$tmp/project" && compgen -f | sort | tr '\n' ' ' | sed 's/ $//')"
check zsh "-f " "FILES"
check zsh "up --wa" "--wait"

# A compose file that does not load completes no names, and says nothing.
echo "vms: [" >"$tmp/project/qemu-compose.yaml"
check bash "up " ""
[ -z "$(cd "$tmp/project" && "$bin" __complete-names vms 2>&1)" ] ||
  { echo "FAIL __complete-names printed something for a broken file"; failures=$((failures + 1)); }

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all completions as expected"
