// A JSON value written as block-style YAML: every string double-quoted (so
// "yes", "0755" or "22:22" stay strings), keys in the value's own order.
// Deterministic: the same value always gives the same text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace qc::seed {

std::string ToYaml(const nlohmann::ordered_json& value);

}  // namespace qc::seed
