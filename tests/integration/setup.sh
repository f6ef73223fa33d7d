#!/bin/bash
# ctest fixture `itest` setup (run as root by ctest):
#   setup.sh BUILD_DIR PREFIX
# - creates the unprivileged test users qc-it-a and qc-it-b;
# - makes /dev/net/tun 0666 as distributions ship it (TAPs are still only
#   usable by their owner);
# - installs BUILD_DIR to PREFIX (cmake --install) and gives the helper its
#   file capabilities with scripts/install-helper, exactly as a real install;
# - copies the test guest (scripts/build-guest, cached) into PREFIX/share/qemu-compose/guest.
set -euo pipefail
umask 022

build="${1:?usage: setup.sh BUILD_DIR PREFIX}"
prefix="${2:?usage: setup.sh BUILD_DIR PREFIX}"
src="${QC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
cmake="${CMAKE_COMMAND:-cmake}"
die() { echo "itest setup: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "integration tests need root (they create users, netns and setcap); run ctest as root"
case "$prefix" in
  /tmp/qc-it-prefix-*) ;;
  *) die "refusing to install into unexpected prefix '$prefix'" ;;
esac

for user in qc-it-a qc-it-b; do
  if ! id -u "$user" >/dev/null 2>&1; then
    # A concurrent setup may have just created it (useradd exit 9).
    useradd -m -s /bin/sh "$user" || [ $? = 9 ]
    echo "itest setup: created user $user"
  fi
done

chmod 0666 /dev/net/tun

rm -rf "$prefix"
"$cmake" --install "$build" --prefix "$prefix" >/dev/null
chmod 0755 "$prefix"
if [ -f "$prefix/libexec/qemu-compose/qc-netd-helper" ]; then
  "$src/scripts/install-helper" --prefix "$prefix"
else
  echo "itest setup: warning: no helper was built; tests that need it will fail" >&2
fi

mapfile -t guest < <("$src/scripts/build-guest")
[ "${#guest[@]}" = 2 ] || die "scripts/build-guest did not print the kernel and initramfs paths"
mkdir -p "$prefix/share/qemu-compose/guest"
install -m 0644 "${guest[0]}" "$prefix/share/qemu-compose/guest/vmlinuz"
install -m 0644 "${guest[1]}" "$prefix/share/qemu-compose/guest/initramfs.gz"
echo "itest setup: installed to $prefix"
