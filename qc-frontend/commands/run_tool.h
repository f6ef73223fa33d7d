// Runs a tool (qemu-img, mke2fs) to completion without a shell, through
// qc-common's launcher.
#pragma once

#include <string>
#include <vector>

namespace qc::commands {

// argv[0] is looked up in PATH unless absolute; false + the command and its
// first stderr line on failure.
bool RunTool(const std::vector<std::string>& argv, std::string* error);

}  // namespace qc::commands
