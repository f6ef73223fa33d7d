// `up --dry-run`: the plan as text, one line per network and VM, in the
// order `up` would act. Golden-tested (tests/unit/frontend/plan_text_test.cc).
#pragma once

#include <map>
#include <string>

#include "planner/up_plan.h"

namespace qc::planner {

std::string FormatPlan(const UpPlan& plan, const std::map<std::string, NetworkDesired>& nets);

}  // namespace qc::planner
