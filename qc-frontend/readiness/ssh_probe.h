// Talking to a guest over SSH without a terminal, for readiness and
// healthchecks: a cheap "does sshd answer" banner check, and one command
// run with the project key under a time limit that also ends the moment
// the VM's QEMU exits.
#pragma once

#include <sys/types.h>

#include <string>

#include "tools/tools.h"

namespace qc::readiness {

// True if something at host:port sends an SSH banner within timeout_ms.
// Cheap for the guest (no key exchange), and with user-mode networking it
// tells QEMU's forward from the guest's sshd.
bool SshBannerSeen(const std::string& host, int port, int timeout_ms);

struct ProbeResult {
  int exit_code = -1;  // the remote command's; 255 = ssh could not log in; -1 = not finished
  bool timed_out = false;
  bool vm_gone = false;  // QEMU exited while waiting
  std::string output;    // stdout and stderr, at most a few KiB
};

// Runs `remote_command` (one string for the login shell) as target.user.
// Batch mode: never prompts.
ProbeResult RunSshProbe(const tools::SshTarget& target, const std::string& remote_command,
                        int timeout_ms, pid_t qemu_pid);

// True while `pid` is a live (not zombie) process.
bool ProcessAlive(pid_t pid);

}  // namespace qc::readiness
