// The project name: top-level `name:`, else -p, else
// QEMU_COMPOSE_PROJECT_NAME, else the compose file's directory name made
// valid like docker compose does. Explicit names must already be valid.
#pragma once

#include <optional>
#include <string>

#include "compose/diagnostics.h"
#include "compose/interpolate.h"
#include "compose/project_parser.h"

namespace qc::compose {

// Reports problems to diag; returns "" if no valid name could be chosen.
std::string ChooseProjectName(const std::optional<ParsedName>& from_file,
                              const std::string& flag_name, const Environment& env,
                              const std::string& project_dir, Diagnostics& diag);

}  // namespace qc::compose
