// The one YAML document of a compose file, loaded without YAML::LoadAll:
// yaml-cpp 0.7's LoadAll never returns on some inputs (e.g. "!a,b": the
// parser keeps reporting a new document without consuming any input).
// Upstream: jbeder/yaml-cpp#1040; LoadAll stops at the first empty root since
// jbeder/yaml-cpp#1319 (after 0.8.0), Debian 12 ships 0.7.0.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "compose/diagnostics.h"

namespace qc::compose {

// The first document of `content` (null if there is none). `second` is set
// to where a second, non-empty document starts, if there is one (LoadAll
// stopped at the first empty document too). Throws YAML::ParserException on
// a syntax error in the first two documents.
YAML::Node LoadFirstDocument(const std::string& content, std::optional<SourcePos>* second);

}  // namespace qc::compose
