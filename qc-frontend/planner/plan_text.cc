#include "planner/plan_text.h"

namespace qc::planner {

std::string FormatPlan(const UpPlan& plan, const std::map<std::string, NetworkDesired>& nets) {
  std::string out;
  for (const NetworkStep& s : plan.networks) {
    out += "network " + s.network + ": " + NetworkActionName(s.action);
    std::string detail = s.reason;
    if (s.action == NetworkAction::kCreate || s.action == NetworkAction::kRecreate) {
      auto it = nets.find(s.network);
      std::string where =
          it != nets.end() ? it->second.subnet + " on " + it->second.bridge : std::string();
      if (!detail.empty()) {
        detail += "; ";
      }
      detail += where;
    }
    out += detail.empty() ? "\n" : " (" + detail + ")\n";
  }
  for (const VmStep& s : plan.vms) {
    out += "vm " + s.vm + ": " + VmActionName(s.action) +
           (s.reason.empty() ? "\n" : " (" + s.reason + ")\n");
  }
  out += plan.changes_anything() ? "dry run: nothing was changed\n" : "dry run: nothing to do\n";
  return out;
}

}  // namespace qc::planner
