// Stopping a VM's QEMU, which is not our child (the runner was detached):
// graceful = ACPI power button, then QMP quit, then SIGKILL; forced = quit,
// then SIGKILL. The caller learns which step ended the process.
#pragma once

#include <sys/types.h>

#include <string>

namespace qc {

enum class StopStep {
  kNotRunning,  // the process was already gone
  kPowerdown,   // the guest powered off after system_powerdown
  kQuit,        // QEMU ended after QMP quit (or SIGTERM when QMP was unreachable)
  kKill,        // SIGKILL was needed
  kFailed,      // still alive after SIGKILL (or no permission); see detail
};

struct StopResult {
  StopStep step = StopStep::kFailed;
  std::string detail;  // what happened on the way, e.g. why QMP was skipped
};

// Stops the QEMU with this pid, talking QMP on qmp_sock. grace_s bounds the
// wait after system_powerdown; force skips it.
StopResult StopVm(const std::string& qmp_sock, pid_t pid, int grace_s, bool force);

// Waits up to timeout_ms for pid to exit (works for non-children, zombies
// count as exited). True if it is gone.
bool WaitForExit(pid_t pid, int timeout_ms);

const char* StopStepName(StopStep step);

}  // namespace qc
