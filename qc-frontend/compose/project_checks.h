// Checks that span VMs: references to networks and volumes, ports only on
// user-mode VMs and never twice on one host port, depends_on targets and
// cycles. Fills Project::start_order when the dependency graph is sound.
#pragma once

#include <map>
#include <string>

#include "compose/diagnostics.h"
#include "compose/model.h"
#include "compose/vm_parser.h"

namespace qc::compose {

void CheckProject(Diagnostics& diag, const std::map<std::string, VmRefs>& refs, Project* project);

}  // namespace qc::compose
