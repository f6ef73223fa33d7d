// The runner holds no capabilities, and QEMU inherits none: a caller whose
// session carries ambient capabilities (pam_cap, capsh --addamb) must not
// pass them on to a process that parses guest-controlled device traffic.
#pragma once

#include <string>

namespace qc::runner {

// Clears the ambient set (which execve would carry into QEMU) and this
// process's effective, permitted and inheritable sets. Run as root, execve
// still grants root's capabilities to QEMU: the runner is meant for users.
bool DropAllCapabilities(std::string* err);

}  // namespace qc::runner
