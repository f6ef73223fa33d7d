// One VM's and one network's part of `config` output, as a tree: what
// RenderConfig writes, and what the planner hashes (planner/config_hash.h),
// so a field that `config` shows is a field whose change recreates.
#pragma once

#include "compose/config_tree.h"
#include "compose/model.h"

namespace qc::compose {

ConfigValue RenderVm(const Vm& vm);
ConfigValue RenderNetwork(const Network& net);

}  // namespace qc::compose
