// The remote command line of `qemu-compose exec` (pure, testable): each
// word quoted so the guest's shell runs exactly the argv given, like docker
// compose exec; -w becomes a cd, -e variables go through env(1).
#pragma once

#include <string>
#include <vector>

namespace qc::tools {

// "" and *error for an -e entry that is not NAME=VALUE.
std::string BuildExecCommand(const std::vector<std::string>& command,
                             const std::vector<std::string>& env, const std::string& workdir,
                             std::string* error);

}  // namespace qc::tools
