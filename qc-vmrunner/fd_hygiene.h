// What QEMU inherits: exactly stdin/stdout/stderr and the fds named in its
// command line. The control socket stays open until execve (close-on-exec),
// so the frontend sees EOF exactly when QEMU is running.
#pragma once

#include <string>
#include <vector>

namespace qc::runner {

// Clears close-on-exec on `keep`, sets it on control_fd, closes every other
// fd >= 3. False + err if a kept fd is not open.
bool PrepareFdsForExec(const std::vector<int>& keep, int control_fd, std::string* err);

}  // namespace qc::runner
