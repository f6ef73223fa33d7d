// What `up` calls before anything else: make the selected VMs' images
// available (--pull missing|always|never). Errors are printed, one line per
// image.
#pragma once

#include <string>
#include <vector>

#include "commands/context.h"

namespace qc::commands {

bool PullImagesForUp(const Context& ctx, const std::vector<std::string>& vms,
                     const std::string& policy);

}  // namespace qc::commands
