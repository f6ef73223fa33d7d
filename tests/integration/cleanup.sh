#!/bin/bash
# ctest fixture `itest` cleanup (run as root by ctest). Removes what crashed
# tests left behind, without touching another test run in progress:
# - network namespaces qcit-<pid>-<n> whose creating test process <pid> is
#   gone (their processes are killed first);
# - processes of the test users qc-it-a/qc-it-b that are not inside a live
#   test's namespace.
set -uo pipefail
[ "$(id -u)" = 0 ] || { echo "itest cleanup: needs root" >&2; exit 1; }

live_inodes=()
for ns in $(ip netns list | awk '{print $1}' | grep '^qcit-' || true); do
  owner="${ns#qcit-}"
  owner="${owner%%-*}"
  if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
    live_inodes+=("$(stat -L -c %i "/run/netns/$ns")")
    continue
  fi
  for round in 1 2 3 4 5; do
    pids="$(ip netns pids "$ns" 2>/dev/null)"
    [ -z "$pids" ] && break
    # shellcheck disable=SC2086 # one pid per word
    kill -KILL $pids 2>/dev/null
    sleep 0.2
  done
  ip netns del "$ns" && echo "itest cleanup: removed stale netns $ns"
done

for user in qc-it-a qc-it-b; do
  id -u "$user" >/dev/null 2>&1 || continue
  for pid in $(pgrep -u "$user" || true); do
    inode="$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" || continue
    keep=0
    for live in "${live_inodes[@]}"; do
      [ "$inode" = "$live" ] && keep=1
    done
    if [ "$keep" = 0 ]; then
      kill -KILL "$pid" 2>/dev/null && echo "itest cleanup: killed leftover $user process $pid"
    fi
  done
done
exit 0
