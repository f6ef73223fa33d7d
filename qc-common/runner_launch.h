// Frontend side of starting one qc-vmrunner: the runner is detached (double
// fork, new session, stdio appended to a log), receives its VmSpec and TAP
// fds on fd 3 and execs QEMU in place, so the pid returned is QEMU's pid.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "vmspec.pb.h"

namespace qc {

// How long LaunchRunner waits for the runner to exec QEMU or report an error.
inline constexpr int kRunnerAnswerTimeoutMs = 10000;

// A runner that has been started and sent its spec but has not answered
// yet. Several can be pending at once: their QEMUs start in parallel.
struct PendingRunner {
  int sock = -1;              // our end of the runner's fd 3; -1 once finished
  std::string log_path;       // for messages
  std::string send_error;     // sending the spec failed (the runner may say why)
  long long deadline_ms = 0;  // CLOCK_MONOTONIC, kRunnerAnswerTimeoutMs after start
};

// Starts runner_path detached and hands it spec + tap_fds (in the order
// Nic.tap_fd_index refers to), without waiting for its answer. The caller
// keeps ownership of tap_fds and may close them as soon as this returns
// (the runner holds its own copies). false + *err if nothing was started.
bool StartRunner(const std::string& runner_path, const qc::vm::VmSpec& spec,
                 const std::vector<int>& tap_fds, const std::string& log_path, PendingRunner* p,
                 std::string* err);

// Waits for a started runner's answer. Returns true once QEMU has been
// exec'd, with *pid = QEMU's pid. On failure *err is the runner's own
// "error: ..." message or what went wrong in between; no QEMU is left
// running. Always releases p.
bool FinishRunner(PendingRunner* p, pid_t* pid, std::string* err);

// StartRunner + FinishRunner. The runner is a grandchild: it leaves no
// zombie behind in the caller.
bool LaunchRunner(const std::string& runner_path, const qc::vm::VmSpec& spec,
                  const std::vector<int>& tap_fds, const std::string& log_path, pid_t* pid,
                  std::string* err);

// One QEMU to wait for: its QMP socket and pid.
struct QmpWait {
  std::string qmp_sock;
  pid_t pid = 0;
  bool ready = false;  // out: the QMP greeting arrived
  std::string error;   // out: why not (QEMU exited, or the deadline passed)
};

// After successful launches: waits, for all of them at once, until each
// QEMU's QMP monitor sends its greeting (QEMU initialised and in its main
// loop), or its pid exits, or timeout_ms passes. True if all are ready.
bool WaitForQmpGreetings(std::vector<QmpWait>* vms, int timeout_ms);

}  // namespace qc
