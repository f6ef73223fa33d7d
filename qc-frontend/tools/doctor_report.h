// Rendering doctor results: one ✓/⚠/✗ line per check (plus its fix), or a
// JSON array for scripts.
#pragma once

#include <string>
#include <vector>

#include "doctor_checks.h"

namespace qc::tools {

// "✓ check: detail" lines; ⚠ and ✗ lines are followed by "    fix: ...".
// A summary line ends the report. ANSI colours only when color is set.
std::string RenderText(const std::vector<CheckResult>& results, bool color);

// [{"check":..,"ok":..,"level":"ok|warn|fail","detail":..,"fix":..}, ...]
// ok is false only for ✗ (a ⚠ is not a failure).
std::string RenderJson(const std::vector<CheckResult>& results);

}  // namespace qc::tools
