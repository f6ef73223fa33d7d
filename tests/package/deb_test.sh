#!/bin/bash
# The Debian package, end to end, on this machine (root, as CI runs it):
#  1. scripts/package builds the .deb and runs lintian (errors and warnings fail);
#  2. its layout, conffile and dependencies are the documented ones;
#  3. `apt-get install ./…deb`: the helper has exactly
#     cap_net_admin,cap_net_bind_service=ep, the system group qemu-compose exists;
#  4. restricting the helper to the group with dpkg-statoverride (as netd.conf(5)
#     says) keeps its capabilities, and so does an upgrade, which also keeps an
#     edited conffile;
#  5. as a user in the group, inside a private network namespace: `qemu-compose
#     doctor` shows every helper row ✓, and the bundled example comes up (every
#     VM gets its lease) and goes down leaving only `lo`; a user outside the
#     group cannot run the helper;
#  6. remove keeps only the conffile (and the group); purge, once the group has
#     no member, leaves nothing: no file, no directory of its own, no conffile,
#     no maintainer script, no statoverride, no group (docs/decisions.md).
# Refuses to run if qemu-compose is already installed; always purges at the end.
#   deb_test.sh SOURCE_DIR [DEB]
# With DEB (a .deb already built by scripts/package) step 1 is skipped: on a
# shared machine, build first, then run only the install part under the
# integration-test lock (other helpers there read /etc/qemu-compose/netd.conf).
set -uo pipefail
src="$(cd "${1:?usage: deb_test.sh SOURCE_DIR [DEB]}" && pwd)"
prebuilt="${2:+$(realpath "$2")}"
export DEBIAN_FRONTEND=noninteractive
helper=/usr/libexec/qemu-compose/qc-netd-helper
member=qc-pkg-member
outsider=qc-pkg-outsider
ns="qcpkg-$$"
tmp="$(mktemp -d /tmp/qc-deb-test.XXXXXX)"
chmod 0755 "$tmp"
failures=0

step() { printf '\n--- %s\n' "$*"; }
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
die() { echo "FAIL $*"; exit 1; }
# The helper's file capabilities as "a,b=ep" with the names sorted (getcap's
# order depends on the libcap version).
caps_of() {
  local c
  c="$(getcap "$1" | cut -d' ' -f2-)"
  [ -n "$c" ] || return 0
  printf '%s=%s\n' "$(tr ',' '\n' <<<"${c%%=*}" | sort | paste -sd,)" "${c#*=}"
}
installed() { [ "$(dpkg-query -W -f='${db:Status-Abbrev}' qemu-compose 2>/dev/null)" = "ii " ]; }
known() { [ -n "$(dpkg-query -W -f='${db:Status-Abbrev}' qemu-compose 2>/dev/null | tr -d ' ')" ]; }

[ "$(id -u)" = 0 ] || die "needs root (installs the package)"
if known && [ "$(dpkg-query -W -f='${db:Status-Abbrev}' qemu-compose)" != "un " ]; then
  die "qemu-compose is already installed here ($(dpkg-query -W -f='${db:Status-Abbrev}${Version}' qemu-compose)); refusing to touch it"
fi
[ ! -e /usr/bin/qemu-compose ] || die "/usr/bin/qemu-compose exists and is not from the package; refusing"
group_existed=0
getent group qemu-compose >/dev/null && group_existed=1

cleanup() {
  ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  for u in "$member" "$outsider"; do
    pkill -KILL -u "$u" 2>/dev/null
    id "$u" >/dev/null 2>&1 && userdel -r "$u" >/dev/null 2>&1
  done
  dpkg-statoverride --list "$helper" >/dev/null 2>&1 && dpkg-statoverride --remove "$helper"
  if known; then
    echo "cleanup: purging qemu-compose"
    apt-get purge -y -q qemu-compose >/dev/null 2>&1 || dpkg --purge qemu-compose >/dev/null
  fi
  [ "$group_existed" = 1 ] || ! getent group qemu-compose >/dev/null || delgroup --quiet --system qemu-compose
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ -n "$prebuilt" ]; then
  deb="$prebuilt"
else
  step "1. Build the package and run lintian (scripts/package)"
  start=$SECONDS
  deb="$("$src/scripts/package" --out "$tmp/dist" | tail -1)" || die "scripts/package failed"
  echo "package stage: $((SECONDS - start)) s (build + lintian)"
fi
[ -f "$deb" ] || die "no .deb at '$deb'"
ok "built $(basename "$deb")"

step "2. Layout, conffile and dependencies"
contents="$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')"
for path in /usr/bin/qemu-compose /usr/libexec/qemu-compose/qc-netd-helper \
  /usr/libexec/qemu-compose/qc-vmrunner /usr/libexec/qemu-compose/qc-fsd \
  /usr/share/qemu-compose/examples/demo/qemu-compose.yaml \
  /etc/qemu-compose/netd.conf /usr/share/man/man1/qemu-compose.1.gz \
  /usr/share/man/man5/qemu-compose.yaml.5.gz /usr/share/man/man5/netd.conf.5.gz \
  /usr/share/man/man8/qc-netd-helper.8.gz /usr/share/bash-completion/completions/qemu-compose \
  /usr/share/zsh/vendor-completions/_qemu-compose /usr/share/doc/qemu-compose/copyright; do
  grep -qxF "$path" <<<"$contents" && ok "ships $path" || fail "does not ship $path"
done
printf '%s\n' "$contents" | grep -E '^/usr/local|^/opt|^/var' && fail "ships files outside /usr and /etc"
[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/qemu-compose/netd.conf ] &&
  ok "conffiles: /etc/qemu-compose/netd.conf" || fail "conffiles: $(dpkg-deb -I "$deb" conffiles)"
depends="$(dpkg-deb -f "$deb" Depends)"
for dep in qemu-system-x86 qemu-utils dnsmasq-base libcap2-bin openssh-client xorriso e2fsprogs \
  "libcurl4 | libcurl3-gnutls" adduser libc6; do
  [[ ", $depends," == *", $dep"[\ ,]* ]] && ok "Depends: $dep" || fail "Depends lacks $dep: $depends"
done
[ "$(dpkg-deb -f "$deb" Recommends)" = ovmf ] && ok "Recommends: ovmf" ||
  fail "Recommends: $(dpkg-deb -f "$deb" Recommends)"

step "3. apt-get install ./$(basename "$deb")"
# --no-install-recommends: not ovmf on the CI machine (the field is checked above).
(cd "$(dirname "$deb")" && apt-get install -y -q --no-install-recommends "./$(basename "$deb")") \
  >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; die "apt-get install failed"; }
installed && ok "installed $(dpkg-query -W -f='${Version}' qemu-compose)" || die "not installed after apt-get"
caps="$(caps_of "$helper")"
[ "$caps" = "cap_net_admin,cap_net_bind_service=ep" ] && ok "helper capabilities: $caps" ||
  fail "helper capabilities: '$caps'"
[ "$(stat -c '%U:%G %a' "$helper")" = "root:root 755" ] && ok "helper root:root 0755" ||
  fail "helper is $(stat -c '%U:%G %a' "$helper")"
gid="$(getent group qemu-compose | cut -d: -f3)"
[ -n "$gid" ] && [ "$gid" -lt 1000 ] && ok "system group qemu-compose (gid $gid)" ||
  fail "no system group qemu-compose (gid '$gid')"
cmp -s <(qemu-compose completion bash) /usr/share/bash-completion/completions/qemu-compose &&
  ok "installed bash completion = \`qemu-compose completion bash\`" || fail "bash completion differs"
for page in qemu-compose.1 qemu-compose.yaml.5 netd.conf.5 qc-netd-helper.8; do
  man -w "${page##*.}" "${page%.*}" >/dev/null 2>&1 && ok "man ${page##*.} ${page%.*}" ||
    fail "man ${page##*.} ${page%.*} not found"
done

step "4. Restrict the helper to the group, then upgrade (netd.conf(5))"
dpkg-statoverride --update --add root qemu-compose 0750 "$helper" || fail "dpkg-statoverride failed"
dpkg-reconfigure qemu-compose || fail "dpkg-reconfigure failed"
check_restricted() {
  [ "$(stat -c '%U:%G %a' "$helper")" = "root:qemu-compose 750" ] &&
    ok "$1: helper root:qemu-compose 0750" || fail "$1: helper is $(stat -c '%U:%G %a' "$helper")"
  [ "$(caps_of "$helper")" = "cap_net_admin,cap_net_bind_service=ep" ] &&
    ok "$1: capabilities kept" || fail "$1: capabilities '$(caps_of "$helper")'"
}
check_restricted "after dpkg-reconfigure"
sed -i 's/^#max_taps = 64$/max_taps = 32/' /etc/qemu-compose/netd.conf
(cd "$(dirname "$deb")" &&
  apt-get install -y -q --reinstall --no-install-recommends "./$(basename "$deb")") \
  >"$tmp/reinstall.log" 2>&1 || { cat "$tmp/reinstall.log"; fail "reinstall failed"; }
check_restricted "after an upgrade"
grep -qx 'max_taps = 32' /etc/qemu-compose/netd.conf && ok "upgrade kept the edited conffile" ||
  fail "upgrade replaced the edited netd.conf"

step "5. As a user in the group, in network namespace $ns: doctor, up, down"
useradd -m -s /bin/sh -G qemu-compose "$member" || die "useradd $member"
useradd -m -s /bin/sh "$outsider" || die "useradd $outsider"
chmod 0666 /dev/net/tun
mapfile -t guest < <("$src/scripts/build-guest" --print)
[ "${#guest[@]}" = 2 ] || die "no test guest (scripts/build-guest)"
install -d -m 0755 "$tmp/guest"
install -m 0644 "${guest[0]}" "$tmp/guest/vmlinuz"
install -m 0644 "${guest[1]}" "$tmp/guest/initramfs.gz"
ip netns add "$ns" && ip netns exec "$ns" ip link set lo up || die "cannot create netns $ns"
as() {  # as USER SHELL-COMMAND: a login-like clean environment, in the namespace
  local user=$1 home
  home="$(getent passwd "$user" | cut -d: -f6)"
  ip netns exec "$ns" setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
    env -i HOME="$home" USER="$user" PATH=/usr/bin:/bin QC_GUEST_DIR="$tmp/guest" \
    sh -c "cd '$home' && $2"
}
doctor="$(as "$member" 'qemu-compose doctor' 2>&1)"
echo "$doctor" | sed 's/^/     /'
helper_rows="$(printf '%s\n' "$doctor" | grep -E '^(✓|⚠|✗) (qc-netd-helper|helper [a-z]+|policy file):')"
[ "$(printf '%s\n' "$helper_rows" | wc -l)" -ge 4 ] || fail "doctor printed too few helper rows"
printf '%s\n' "$helper_rows" | grep -v '^✓' && fail "a helper row of doctor is not ✓" ||
  ok "every helper row of doctor is ✓ for $member"
# doctor exits non-zero when a check fails: keep its output, not its status.
outsider_doctor="$(as "$outsider" 'qemu-compose doctor' 2>&1)"
grep -E '^✗ (qc-netd-helper|helper [a-z]+):' <<<"$outsider_doctor" >/dev/null &&
  ok "doctor shows ✗ for the helper to $outsider (not in the group)" ||
  { echo "$outsider_doctor" | sed 's/^/     /'; fail "$outsider could use the restricted helper"; }

as "$member" 'mkdir demo && cp /usr/share/qemu-compose/examples/demo/qemu-compose.yaml demo/'
if as "$member" 'cd demo && qemu-compose up --wait --timeout 300' >"$tmp/up.log" 2>&1; then
  ok "qemu-compose up --wait (every VM got its address)"
else
  cat "$tmp/up.log"
  fail "qemu-compose up --wait failed"
fi
as "$member" 'cd demo && qemu-compose ps' | sed 's/^/     /'
ready="$(as "$member" 'cd demo && qemu-compose ps' | grep -c ' ready ')"
[ "$ready" = 3 ] && ok "3 VMs ready" || fail "$ready of 3 VMs ready"
as "$member" 'cd demo && qemu-compose down' >"$tmp/down.log" 2>&1 && ok "qemu-compose down" ||
  { cat "$tmp/down.log"; fail "qemu-compose down failed"; }
links="$(ip netns exec "$ns" ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
[ "$links" = "lo " ] && ok "only lo left in $ns" || fail "links left in $ns: $links"
ip netns exec "$ns" nft list table ip qemu_compose >/dev/null 2>&1 &&
  fail "the helper's nftables table is still there" || ok "no nftables table left"

step "6. Remove keeps only the conffile; purge leaves nothing of the package"
files="$(dpkg -L qemu-compose)"
dpkg-statoverride --remove "$helper" || fail "removing the statoverride failed"
apt-get remove -y -q qemu-compose >"$tmp/remove.log" 2>&1 || { cat "$tmp/remove.log"; fail "remove failed"; }
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' qemu-compose)" = "rc " ] && ok "removed: dpkg status rc" ||
  fail "after remove: status '$(dpkg-query -W -f='${db:Status-Abbrev}' qemu-compose)'"
[ -f /etc/qemu-compose/netd.conf ] && ok "remove kept the conffile" || fail "remove deleted the conffile"
[ ! -e /usr/bin/qemu-compose ] && [ ! -e "$helper" ] && ok "remove deleted the programs" ||
  fail "remove left the programs"
getent group qemu-compose >/dev/null && ok "remove kept the group" || fail "remove deleted the group"
# The postrm removes the group on purge only once nothing refers to it: the
# member goes first, as an administrator would remove the last user.
pkill -KILL -u "$member" 2>/dev/null
userdel -r "$member" >/dev/null 2>&1 || fail "userdel $member"
apt-get purge -y -q qemu-compose >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; fail "purge failed"; }
known && fail "dpkg still knows qemu-compose: $(dpkg-query -W -f='${db:Status-Abbrev}' qemu-compose)" ||
  ok "dpkg no longer knows qemu-compose"
left=0
while IFS= read -r f; do
  # Directories shared with other packages (/usr/bin, …) stay, of course.
  [ "$f" = /. ] && continue
  if [ -e "$f" ] && { [ ! -d "$f" ] || [ -z "$(dpkg -S "$f" 2>/dev/null)" ]; }; then
    fail "left behind: $f"
    left=1
  fi
done <<<"$files"
[ "$left" = 0 ] && ok "none of its $(printf '%s\n' "$files" | wc -l) paths is left"
for path in /etc/qemu-compose /usr/libexec/qemu-compose /usr/share/qemu-compose \
  /usr/share/doc/qemu-compose /var/lib/dpkg/info/qemu-compose.list /var/lib/dpkg/info/qemu-compose.postinst; do
  [ -e "$path" ] && fail "left behind: $path" || ok "gone: $path"
done
dpkg-statoverride --list "$helper" >/dev/null && fail "a statoverride for the helper is left" ||
  ok "no statoverride left"
if [ "$group_existed" = 1 ]; then
  echo "     (the group qemu-compose existed before the test: not checking its removal)"
else
  getent group qemu-compose >/dev/null && fail "purge left the empty group qemu-compose" ||
    ok "purge removed the empty group qemu-compose"
fi

echo
if [ "$failures" = 0 ]; then
  echo "deb_test: all checks passed in $SECONDS s"
else
  echo "deb_test: $failures check(s) failed"
  exit 1
fi
