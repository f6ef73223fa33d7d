// Read-only probes of a VM instance: is QEMU alive, what QMP says, has the
// guest got its lease / is its port open, what it uses. Used by ps,
// inspect and up.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "commands/context.h"
#include "state/state_files.h"

namespace qc::commands {

// pid from QEMU's -pidfile, 0 if missing or malformed.
pid_t ReadPidFile(const std::string& path);
// qemu.pid, or the pid recorded in vm.json at launch if QEMU has not
// written its pid file yet.
pid_t VmPid(const Context& ctx, const std::string& vm, const state::VmState& st);
// The pid exists, is not a zombie and is a QEMU (guards against pid reuse).
bool IsQemuAlive(pid_t pid);
// pid's start time (/proc/<pid>/stat field 22, clock ticks since boot), 0
// if there is no such process or it is a zombie.
long long ProcessStartTime(pid_t pid);
// The VM's QEMU is alive; *pid (optional) = its pid, 0 if not. With the pid
// and start time up recorded in vm.json this is one read of
// /proc/<pid>/stat (a reused pid has another start time); without them
// (an older vm.json, or up killed before it recorded them) qemu.pid and
// IsQemuAlive decide.
bool VmQemuAlive(const Context& ctx, const std::string& vm, const state::VmState& st,
                 pid_t* pid = nullptr);
// QMP RunState ("running", "paused", ...) or "" if QMP does not answer.
std::string QmpRunState(const std::string& qmp_sock, int timeout_ms);
// IP the guest reported for `mac` in its serial log ("QC-LEASE ... ip=A/N
// mac=M"; the runner starts a fresh log per QEMU run), or found in dnsmasq's
// leases file granted or renewed after the second `granted_since` (QEMU's
// start; a restarted VM's previous lease stays there until it expires); ""
// if none yet.
std::string LeaseFromSerialLog(const std::string& serial_log, const std::string& mac);
std::string LeaseFromLeasesFile(const std::string& leases, const std::string& mac,
                                std::time_t granted_since);
// The lease time the helper gives dnsmasq (--dhcp-range=...,1h).
inline constexpr std::time_t kDnsmasqLeaseSeconds = 3600;
// First port >= from that nobody listens on at 127.0.0.1 and that `taken`
// does not list.
int FreeLocalPort(int from, const std::vector<int>& taken);

struct Usage {
  double cpu_percent = 0;  // average over the process lifetime
  std::uint64_t rss_bytes = 0;
};
Usage ProcessUsage(pid_t pid);
// Allocated bytes of a file (st_blocks), 0 if missing.
std::uint64_t FileUsage(const std::string& path);
std::string HumanBytes(std::uint64_t bytes);

}  // namespace qc::commands
