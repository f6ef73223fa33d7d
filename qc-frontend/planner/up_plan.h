// What `up` must do, from what the compose file wants and what is there.
// Every decision to create, recreate, restart or leave alone a VM or a
// network is made here and nowhere else. Pure: the caller gathers the
// desired configs and the actual state (vm.json, pid liveness, dnsmasq
// liveness, bridge presence), and executes the result; `up --dry-run`
// prints it (FormatPlan).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace qc::planner {

// ---- inputs ----------------------------------------------------------------

struct NetworkDesired {
  std::string config_hash;  // planner/config_hash.h
  std::string subnet;       // resolved CIDR
  std::string bridge;
};

struct NetworkActual {
  bool has_state = false;      // entry in networks.json
  std::string config_hash;     // recorded there ("" before hashes were recorded)
  std::string subnet;          // recorded there
  bool bridge_exists = false;  // with its address
  bool dnsmasq_running = false;
  bool reservations_changed = false;  // dhcp-hosts/hosts must be rewritten
};

struct VmDesired {
  std::string config_hash;
  std::string config;                 // the JSON hashed, for naming what changed
  std::vector<std::string> networks;  // bridge networks, NIC order
};

struct VmActual {
  bool has_state = false;   // <vm>/vm.json exists (a corrupt one counts)
  std::string config_hash;  // from vm.json
  std::string config;       // from vm.json ("" if not recorded)
  bool running = false;     // its QEMU is alive
};

struct UpInputs {
  std::vector<std::string> vm_order;            // every VM of the project, in start order
  std::set<std::string> selected;               // the VMs asked for, with their dependencies
  std::map<std::string, VmDesired> vm_desired;  // for every VM of vm_order
  std::map<std::string, VmActual> vm_actual;    // missing = no state
  std::vector<std::string> networks;            // bridge networks of the selected VMs
  std::map<std::string, NetworkDesired> net_desired;
  std::map<std::string, NetworkActual> net_actual;  // missing = no state
};

// ---- the plan --------------------------------------------------------------

enum class NetworkAction {
  kCreate,    // no state yet
  kRecreate,  // configuration changed (e.g. subnet): tear down, then create
  kRepair,    // bridge or its address missing: set it up again, new dnsmasq
  kDnsmasq,   // bridge fine, dnsmasq not running: start it
  kReload,    // running, reservations changed: rewrite host files, SIGHUP
  kUnchanged,
};

struct NetworkStep {
  std::string network;
  NetworkAction action = NetworkAction::kUnchanged;
  std::string reason;           // why, for the user ("" if nothing to say)
  bool teardown = false;        // the old bridge, NAT, dnsmasq go first
  bool setup_bridge = false;    // CreateBridge/AddAddress/forwarding/NAT
  bool start_dnsmasq = false;   // (re)start it
  bool reload_dnsmasq = false;  // running, but hosts files changed: SIGHUP
  bool unchanged() const { return action == NetworkAction::kUnchanged; }
};

enum class VmAction {
  kCreate,     // no instance state yet
  kRecreate,   // configuration or a network changed: stop, wipe instance, create
  kRestart,    // state kept (disk), QEMU not running: new TAPs, new QEMU
  kUnchanged,  // running with the same configuration
};

struct VmStep {
  std::string vm;
  VmAction action = VmAction::kUnchanged;
  std::string reason;  // why, for the user ("" if nothing to say)
};

struct UpPlan {
  std::vector<NetworkStep> networks;  // in the order given
  // Selected VMs in start order, then running VMs outside the selection
  // whose network is recreated (their TAPs go with the old bridge).
  std::vector<VmStep> vms;
  bool changes_anything() const;
  bool needs_helper(const std::map<std::string, VmDesired>& vm_desired) const;
};

UpPlan PlanUp(const UpInputs& in);

const char* VmActionName(VmAction a);            // "create", "recreate", ...
const char* NetworkActionName(NetworkAction a);  // "create", "recreate", "repair", ...

}  // namespace qc::planner
