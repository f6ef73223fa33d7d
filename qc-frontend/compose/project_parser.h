// Reads a parsed YAML document into a Project: top-level keys, networks,
// volumes and every VM, then runs the cross-checks. Does not decide the
// project name (see project_name.h); returns the `name:` value if present.
#pragma once

#include <optional>
#include <string>

#include "compose/model.h"
#include "compose/vm_parser.h"
#include "compose/yaml_reader.h"

namespace qc::compose {

struct ParsedName {
  std::string value;
  SourcePos pos;
};

void ParseProject(Reader& reader, const YAML::Node& root, const PathContext& paths,
                  Project* project, std::optional<ParsedName>* name);

}  // namespace qc::compose
