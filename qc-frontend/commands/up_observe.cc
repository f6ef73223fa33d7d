#include "commands/up_observe.h"

#include "commands/network_recovery.h"
#include "commands/network_setup.h"
#include "commands/vm_instance.h"
#include "commands/vm_probe.h"
#include "planner/config_hash.h"

namespace qc::commands {
namespace {

planner::NetworkActual ActualNetwork(const state::NetworkState& was,
                                     const state::NetworkState& wanted) {
  planner::NetworkActual a;
  a.has_state = true;
  a.config_hash = was.config_hash;
  a.subnet = was.subnet;
  a.dnsmasq_running = DnsmasqAlive(was);
  // A bridge without its address (left by an `up` killed in between) is
  // set up again.
  a.bridge_exists = LinkExists(was.bridge) && LinkHasIpv4(was.bridge);
  a.reservations_changed = was.reservations != wanted.reservations;
  return a;
}

// One VM's vm.json and liveness: one small file and one /proc read.
planner::VmActual ActualVm(const Context& ctx, const std::string& vm) {
  planner::VmActual a;
  state::VmState st;
  std::string err;
  if (!state::LoadVm(ctx.layout.VmJson(vm), &st, &a.has_state, &err)) {
    ctx.out.Debug(err + "; recreating the instance");
    a.has_state = true;  // corrupt: its hash matches nothing, so it is recreated
    return a;
  }
  if (a.has_state) {
    a.config_hash = st.config_hash;
    a.config = st.config;
    a.running = VmQemuAlive(ctx, vm, st);
  }
  return a;
}

}  // namespace

bool ObserveUp(const Context& ctx, const std::vector<std::string>& selected,
               const state::NetworksFile& nf, NetdSession& netd, UpView* view, std::string* error) {
  planner::UpInputs& in = view->inputs;
  view->desired = nf;
  // One network after the other: a newly allocated `auto` subnet is seen by
  // the next network's allocation.
  for (const auto& net : BridgeNetworksOf(ctx, selected)) {
    state::NetworkState wanted;
    if (!ResolveNetwork(ctx, net, netd, view->desired, &wanted, error)) {
      return false;
    }
    in.networks.push_back(net);
    in.net_desired[net] = {wanted.config_hash, wanted.subnet, wanted.bridge};
    if (auto it = nf.find(net); it != nf.end()) {
      in.net_actual[net] = ActualNetwork(it->second, wanted);
    }
    view->desired[net] = wanted;
  }
  in.selected.insert(selected.begin(), selected.end());
  for (const auto& vm : ctx.project.start_order) {
    in.vm_order.push_back(vm);
    nlohmann::ordered_json config = DesiredVmConfig(ctx, vm, view->desired);
    in.vm_desired[vm] = {planner::ConfigHash(config), config.dump(),
                         ctx.project.vms.at(vm).networks};
    in.vm_actual[vm] = ActualVm(ctx, vm);
  }
  return true;
}

}  // namespace qc::commands
