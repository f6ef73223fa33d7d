// Reads one entry of `vms:` into a Vm. Cross-VM checks (references to
// networks and volumes, host port clashes, depends_on) happen later in
// project_checks, using the positions kept in VmRefs.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"
#include "compose/yaml_reader.h"

namespace qc::compose {

struct VmRefs {
  SourcePos name_pos;
  std::vector<Item> networks;
  std::vector<Item> volumes;  // named volumes only
  std::vector<Item> depends_on;
  std::vector<Item> ports;  // parsed successfully, same order as Vm::ports
  SourcePos ports_pos;      // the `ports` key
};

struct PathContext {
  std::string project_dir;  // absolute
  std::string home;         // for "~/"; may be empty
};

// Absolute path for a relative one, "~/" expanded; URLs and "" unchanged.
std::string ResolvePath(const PathContext& ctx, const std::string& path);

void ParseVm(Reader& reader, const Entry& entry, const PathContext& paths, Vm* vm, VmRefs* refs);

}  // namespace qc::compose
