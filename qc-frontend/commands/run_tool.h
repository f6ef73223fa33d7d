// Runs a tool (qemu-img, mke2fs) to completion without a shell, through
// qc-common's launcher.
#pragma once

#include <string>
#include <vector>

namespace qc::commands {

// argv[0] is looked up in PATH unless absolute; false + the command and its
// first stderr line on failure. Exit codes up to `max_ok_exit` are success
// (e2fsck says 1 for "errors corrected").
bool RunTool(const std::vector<std::string>& argv, std::string* error, int max_ok_exit = 0);

}  // namespace qc::commands
