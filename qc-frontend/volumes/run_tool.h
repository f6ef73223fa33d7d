// Runs a tool (qemu-img, mke2fs) to completion without a shell. One call
// site for the volume code; it moves onto qc-common's process launcher.
#pragma once

#include <string>
#include <vector>

namespace qc::volumes {

// argv[0] is an absolute path or a name looked up in PATH. false + a
// message naming the tool and what it printed on stderr.
bool RunTool(const std::vector<std::string>& argv, std::string* error);

}  // namespace qc::volumes
