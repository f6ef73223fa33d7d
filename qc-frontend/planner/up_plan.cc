#include "up_plan.h"

namespace qc::planner {

const char* VmActionName(VmAction a) {
  switch (a) {
    case VmAction::kCreate:
      return "create";
    case VmAction::kRecreate:
      return "recreate";
    case VmAction::kRestart:
      return "restart";
    case VmAction::kUnchanged:
      return "unchanged";
  }
  return "?";
}

UpPlan PlanUp(const std::vector<std::string>& vm_order,
              const std::map<std::string, std::string>& desired_hash,
              const std::map<std::string, VmActual>& vm_actual,
              const std::vector<std::string>& networks,
              const std::map<std::string, NetworkActual>& network_actual) {
  UpPlan plan;
  for (const auto& net : networks) {
    NetworkActual a;
    if (auto it = network_actual.find(net); it != network_actual.end()) {
      a = it->second;
    }
    NetworkStep s;
    s.network = net;
    s.setup_bridge = !a.has_state || !a.bridge_exists;
    // A new bridge means any old dnsmasq (bound to the old one) is useless.
    s.start_dnsmasq = s.setup_bridge || !a.dnsmasq_running;
    s.reload_dnsmasq = !s.start_dnsmasq && a.reservations_changed;
    plan.networks.push_back(s);
  }
  for (const auto& vm : vm_order) {
    VmActual a;
    if (auto it = vm_actual.find(vm); it != vm_actual.end()) {
      a = it->second;
    }
    std::string want;
    if (auto it = desired_hash.find(vm); it != desired_hash.end()) {
      want = it->second;
    }
    VmStep s{vm, VmAction::kUnchanged, "running (unchanged)"};
    if (!a.has_state) {
      s = {vm, VmAction::kCreate, "created"};
    } else if (a.config_hash != want) {
      s = {vm, VmAction::kRecreate, "recreated (configuration changed)"};
    } else if (!a.running) {
      s = {vm, VmAction::kRestart, "restarted (was not running)"};
    }
    plan.vms.push_back(s);
  }
  return plan;
}

}  // namespace qc::planner
