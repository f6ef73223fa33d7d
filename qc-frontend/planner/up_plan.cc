#include "planner/up_plan.h"

#include <nlohmann/json.hpp>

#include "planner/config_hash.h"

namespace qc::planner {
namespace {

template <typename Map>
typename Map::mapped_type Find(const Map& m, const std::string& key) {
  auto it = m.find(key);
  return it != m.end() ? it->second : typename Map::mapped_type{};
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    out += (out.empty() ? "" : ", ") + s;
  }
  return out;
}

NetworkStep PlanNetwork(const std::string& net, const NetworkDesired& want,
                        const NetworkActual& have) {
  NetworkStep s;
  s.network = net;
  // Hashes recorded by an older version are absent: then only a changed
  // subnet (all that version could change) counts.
  bool changed =
      have.has_state && (have.config_hash.empty() ? have.subnet != want.subnet
                                                  : have.config_hash != want.config_hash);
  if (!have.has_state) {
    s.action = NetworkAction::kCreate;
  } else if (changed) {
    s.action = NetworkAction::kRecreate;
    s.reason = have.subnet != want.subnet ? "subnet " + have.subnet + " -> " + want.subnet
                                          : "configuration changed";
  } else if (!have.bridge_exists) {
    s.action = NetworkAction::kRepair;
    s.reason = "bridge " + want.bridge + " missing";
  } else if (!have.dnsmasq_running) {
    s.action = NetworkAction::kDnsmasq;
    s.reason = "not running";
  } else if (have.reservations_changed) {
    s.action = NetworkAction::kReload;
    s.reason = "reservations changed";
  }
  s.teardown = s.action == NetworkAction::kRecreate;
  s.setup_bridge = s.action == NetworkAction::kCreate || s.action == NetworkAction::kRecreate ||
                   s.action == NetworkAction::kRepair;
  // A new bridge means any old dnsmasq (bound to the old one) is useless.
  s.start_dnsmasq = s.setup_bridge || s.action == NetworkAction::kDnsmasq;
  s.reload_dnsmasq = s.action == NetworkAction::kReload;
  return s;
}

std::string WhatChanged(const VmActual& have, const VmDesired& want) {
  if (have.config.empty() || want.config.empty()) {
    return "configuration changed";
  }
  auto before = nlohmann::ordered_json::parse(have.config, nullptr, false);
  auto after = nlohmann::ordered_json::parse(want.config, nullptr, false);
  std::vector<std::string> keys = ChangedKeys(before, after);
  if (before.is_discarded() || after.is_discarded() || keys.empty()) {
    return "configuration changed";
  }
  for (auto& k : keys) {
    k = k == "nics" ? "networks" : k;  // the resolved NICs follow their networks
  }
  std::vector<std::string> unique;
  for (const auto& k : keys) {
    if (std::find(unique.begin(), unique.end(), k) == unique.end()) {
      unique.push_back(k);
    }
  }
  return Joined(unique) + " changed";
}

VmStep PlanVm(const std::string& vm, const VmDesired& want, const VmActual& have,
              const std::vector<std::string>& recreated_networks) {
  if (!have.has_state) {
    return {vm, VmAction::kCreate, ""};
  }
  if (!recreated_networks.empty()) {
    return {vm, VmAction::kRecreate, "network " + Joined(recreated_networks) + " recreated"};
  }
  if (have.config_hash != want.config_hash) {
    return {vm, VmAction::kRecreate, WhatChanged(have, want)};
  }
  if (!have.running) {
    return {vm, VmAction::kRestart, "was not running"};
  }
  return {vm, VmAction::kUnchanged, ""};
}

}  // namespace

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

const char* NetworkActionName(NetworkAction a) {
  switch (a) {
    case NetworkAction::kCreate:
      return "create";
    case NetworkAction::kRecreate:
      return "recreate";
    case NetworkAction::kRepair:
      return "repair";
    case NetworkAction::kDnsmasq:
      return "start dnsmasq";
    case NetworkAction::kReload:
      return "reload dnsmasq";
    case NetworkAction::kUnchanged:
      return "unchanged";
  }
  return "?";
}

bool UpPlan::changes_anything() const {
  for (const auto& s : networks) {
    if (!s.unchanged()) {
      return true;
    }
  }
  for (const auto& s : vms) {
    if (s.action != VmAction::kUnchanged) {
      return true;
    }
  }
  return false;
}

bool UpPlan::needs_helper(const std::map<std::string, VmDesired>& vm_desired) const {
  for (const auto& s : networks) {
    if (!s.unchanged()) {
      return true;
    }
  }
  for (const auto& s : vms) {
    if (s.action != VmAction::kUnchanged && !Find(vm_desired, s.vm).networks.empty()) {
      return true;  // its TAPs
    }
  }
  return false;
}

UpPlan PlanUp(const UpInputs& in) {
  UpPlan plan;
  std::set<std::string> recreated;
  for (const auto& net : in.networks) {
    NetworkStep s = PlanNetwork(net, Find(in.net_desired, net), Find(in.net_actual, net));
    if (s.teardown) {
      recreated.insert(net);
    }
    plan.networks.push_back(s);
  }
  auto recreated_of = [&](const VmDesired& want) {
    std::vector<std::string> nets;
    for (const auto& n : want.networks) {
      if (recreated.count(n) != 0 && std::find(nets.begin(), nets.end(), n) == nets.end()) {
        nets.push_back(n);
      }
    }
    return nets;
  };
  for (const auto& vm : in.vm_order) {
    if (in.selected.count(vm) != 0) {
      const VmDesired want = Find(in.vm_desired, vm);
      plan.vms.push_back(PlanVm(vm, want, Find(in.vm_actual, vm), recreated_of(want)));
    }
  }
  // A running VM that was not asked for loses its NICs with the old bridge:
  // it is recreated too (one that is not running gets it at its next up).
  for (const auto& vm : in.vm_order) {
    const VmActual have = Find(in.vm_actual, vm);
    const VmDesired want = Find(in.vm_desired, vm);
    std::vector<std::string> nets = recreated_of(want);
    if (in.selected.count(vm) == 0 && have.has_state && have.running && !nets.empty()) {
      plan.vms.push_back({vm, VmAction::kRecreate, "network " + Joined(nets) + " recreated"});
    }
  }
  return plan;
}

}  // namespace qc::planner
