// Creating, starting, stopping and removing one VM instance
// (.qemu-compose/<vm>/): disks, TAPs, the runner, vm.json.
#pragma once

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands/context.h"
#include "netd_client/netd_client.h"
#include "runner_launch.h"
#include "state/state_files.h"
#include "stop_vm.h"
#include "vmspec.pb.h"

namespace qc::commands {

// The VM's configuration as the planner compares it (planner/config_hash.h),
// with its NICs resolved against nf: recorded in vm.json by PrepareVm.
nlohmann::ordered_json DesiredVmConfig(const Context& ctx, const std::string& vm,
                                       const state::NetworksFile& nf);

// One VM on its way up: PrepareVm, CreateTaps (all VMs at once), vm.json
// written by the caller, StartVmRunner, FinishVm. Owns its TAP fds and the
// runner's socket until they are handed on; not copyable, so keep these
// in a std::deque.
struct PendingVm {
  PendingVm() = default;
  PendingVm(const PendingVm&) = delete;
  PendingVm& operator=(const PendingVm&) = delete;
  ~PendingVm();

  std::string vm;
  state::VmState st;    // what vm.json says; pid once FinishVm succeeded
  qc::vm::VmSpec spec;  // for the runner
  std::vector<int> tap_fds;
  PendingRunner runner;
  std::string error;  // set by CreateTaps when this VM cannot start
};

// Creates the instance dir and disk if missing and fills in the VM's spec
// and state (a user-mode VM also gets its SSH port in *ports).
bool PrepareVm(const Context& ctx, const std::string& vm, const state::NetworksFile& nf,
               state::PortsFile* ports, PendingVm* out, std::string* error);
// Fresh TAPs for every bridge NIC of every VM, in one pipelined batch of
// helper requests (netd may be null if no VM has a bridge NIC). A VM whose
// TAP fails gets p->error; false + error only if the helper cannot be
// talked to.
bool CreateTaps(netd_client::NetdClient* netd, std::deque<PendingVm>* vms, std::string* error);
// Starts qc-vmrunner with the spec and TAP fds, without waiting for it, so
// that several VMs start at once. vm.json must be written before.
bool StartVmRunner(const Context& ctx, PendingVm* p, std::string* error);
// Waits for the runner to exec QEMU; sets p->st.pid (the caller saves it).
bool FinishVm(const Context& ctx, PendingVm* p, std::string* error);

// Stops QEMU if running (grace_s < 0: the VM's stop_grace_period).
StopResult StopVmInstance(const Context& ctx, const std::string& vm, int grace_s, bool force);

// StopVmInstance for all of them at once: a guest that ignores the ACPI
// button costs one grace period in all, not one per VM. VMs without an
// instance directory are not in the result.
std::map<std::string, StopResult> StopVmInstances(const Context& ctx,
                                                  const std::vector<std::string>& vms, int grace_s,
                                                  bool force);

// True if the VM has at least one bridge NIC.
bool HasBridgeNic(const Context& ctx, const std::string& vm);

}  // namespace qc::commands
