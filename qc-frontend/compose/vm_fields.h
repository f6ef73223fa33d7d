// Parsers for the string forms inside a VM: "HOST:GUEST[/proto]" port
// mappings and "SOURCE[:TARGET[:ro|rw]]" volume entries. Pure functions,
// errors returned as text without position.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compose/model.h"

namespace qc::compose {

// Decimal without sign or leading junk, at most `max`.
std::optional<unsigned> ParseDecimal(std::string_view text, unsigned max);

// Returns "" and fills *out, or the problem.
std::string ParsePortMapping(std::string_view text, PortMapping* out);

// A volume source written as a host path: it starts with '/', '.' or '~'
// (anything else names a volume).
bool IsHostPathSyntax(std::string_view source);

// Named volume unless IsHostPathSyntax(source).
// Host paths are returned as written; the caller resolves them.
std::string ParseVolumeEntry(std::string_view text, VolumeMount* out);

}  // namespace qc::compose
