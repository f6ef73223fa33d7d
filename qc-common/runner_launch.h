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

// Starts runner_path detached and hands it spec + tap_fds (in the order
// Nic.tap_fd_index refers to). The caller keeps ownership of tap_fds and
// should close them afterwards (QEMU holds its own copies). Returns true
// once QEMU has been exec'd, with *pid = QEMU's pid. On failure *err is the
// runner's own "error: ..." message or what went wrong in between; no QEMU is
// left running. The runner is a grandchild: it leaves no zombie behind in
// the caller.
bool LaunchRunner(const std::string& runner_path, const qc::vm::VmSpec& spec,
                  const std::vector<int>& tap_fds, const std::string& log_path, pid_t* pid,
                  std::string* err);

// After a successful launch: waits until QEMU answers on its QMP socket. False
// (with the reason, e.g. QEMU exited during start-up) if pid dies first or
// timeout_ms passes.
bool WaitForQemuReady(const std::string& qmp_sock, pid_t pid, int timeout_ms, std::string* err);

}  // namespace qc
