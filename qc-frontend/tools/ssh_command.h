// Building the ssh command line for `qemu-compose ssh` (pure, testable).
#pragma once

#include <string>
#include <vector>

#include "tools.h"

namespace qc::tools {

// Checks a target and returns "" or a message naming what is wrong.
std::string ValidateSshTarget(const SshTarget& target);

// argv for ssh (argv[0] = "ssh"): -i KEY when a key is given, -p PORT,
// only the project's known_hosts with StrictHostKeyChecking=accept-new,
// target.options, "--", user@host (user defaults to root), then the remote
// command.
std::vector<std::string> BuildSshArgv(const SshTarget& target,
                                      const std::vector<std::string>& command);

}  // namespace qc::tools
