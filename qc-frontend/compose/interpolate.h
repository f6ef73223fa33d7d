// ${VAR} interpolation with docker compose semantics:
//   $VAR, ${VAR}          value, or "" (and VAR is reported as unset)
//   ${VAR:-def} ${VAR-def} default if unset-or-empty / unset
//   ${VAR:?msg} ${VAR?msg} error if unset-or-empty / unset
//   ${VAR:+rep} ${VAR+rep} rep if set-and-non-empty / set, else ""
//   $$                    a literal '$'
// Defaults and replacements may themselves contain interpolations.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace qc::compose {

using Environment = std::map<std::string, std::string>;

// On success returns true and sets *out; `unset` receives the names of
// variables that were used without a value or default (for warnings).
// On failure returns false and sets *error to a message without position.
bool Interpolate(std::string_view input, const Environment& env, std::string* out,
                 std::vector<std::string>* unset, std::string* error);

}  // namespace qc::compose
