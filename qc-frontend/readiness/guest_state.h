// What the guest watcher (watcher.h) has seen of a cloud-image VM, in
// .qemu-compose/<vm>/guest.json: when each readiness step happened and the
// healthcheck's state. ps, inspect and `up --wait` read it; only the
// watcher writes it.
#pragma once

#include <cstdint>
#include <string>

namespace qc::readiness {

struct GuestState {
  std::int64_t qemu_pid = 0;    // the QEMU run this describes
  std::int64_t started_ms = 0;  // watcher start, just after QEMU started (wall clock, ms)
  std::int64_t booted_ms = 0;   // the guest wrote to its serial console
  std::int64_t ssh_ms = 0;      // first login with the project key
  std::int64_t ready_ms = 0;    // cloud-init finished (boot-finished exists)
  std::string health;           // "" (no healthcheck), "starting", "healthy", "unhealthy"
  std::int64_t health_ms = 0;   // when health last changed
  int failing_streak = 0;
  std::string health_output;  // the last check's output, trimmed
  std::string problem;        // why the watcher cannot go on (e.g. login refused), or ""
};

std::string GuestStatePath(const std::string& vm_dir);

// false if missing or unreadable (then *out is default).
bool LoadGuestState(const std::string& path, GuestState* out);
bool SaveGuestState(const std::string& path, const GuestState& s, std::string* error);

// The status ps shows for a running cloud-image VM: "running" (not ready
// yet), "ready", or the healthcheck's "healthy" / "unhealthy" /
// "ready" while the first check is pending.
std::string GuestStatus(const GuestState& s);

// Wall clock in ms: the steps are compared across processes.
std::int64_t NowWallMs();

}  // namespace qc::readiness
