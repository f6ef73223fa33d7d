// What `up` must do, from what the compose file wants and what is there.
// Pure: the caller gathers the actual state (vm.json, pid liveness,
// dnsmasq liveness, bridge presence) and executes the result.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace qc::planner {

enum class VmAction {
  kCreate,     // no instance state yet
  kRecreate,   // configuration changed: stop, wipe instance state, create
  kRestart,    // state kept (disk), QEMU not running: new TAPs, new QEMU
  kUnchanged,  // running with the same configuration
};

struct VmActual {
  bool has_state = false;   // <vm>/vm.json exists
  std::string config_hash;  // from vm.json
  bool running = false;     // QEMU pid alive
};

struct NetworkActual {
  bool has_state = false;  // entry in networks.json
  bool bridge_exists = false;
  bool dnsmasq_running = false;
  bool reservations_changed = false;  // dhcp-hosts/hosts must be rewritten
};

struct VmStep {
  std::string vm;
  VmAction action;
  std::string reason;  // shown to the user
};

struct NetworkStep {
  std::string network;
  bool setup_bridge = false;    // CreateBridge/AddAddress/forwarding/NAT
  bool start_dnsmasq = false;   // not running: start it
  bool reload_dnsmasq = false;  // running, but hosts files changed: SIGHUP
  bool unchanged() const { return !setup_bridge && !start_dnsmasq && !reload_dnsmasq; }
};

struct UpPlan {
  std::vector<NetworkStep> networks;  // in the order given
  std::vector<VmStep> vms;            // in start order
};

// vm_order: the VMs to bring up, in start order (depends_on respected).
// desired_hash: each VM's configuration hash. networks: the networks these
// VMs use.
UpPlan PlanUp(const std::vector<std::string>& vm_order,
              const std::map<std::string, std::string>& desired_hash,
              const std::map<std::string, VmActual>& vm_actual,
              const std::vector<std::string>& networks,
              const std::map<std::string, NetworkActual>& network_actual);

const char* VmActionName(VmAction a);

}  // namespace qc::planner
