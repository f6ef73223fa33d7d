// Creating, starting, stopping and removing one VM instance
// (.qemu-compose/<vm>/): disks, TAPs, the runner, vm.json.
#pragma once

#include <string>

#include "commands/context.h"
#include "netd_client/netd_client.h"
#include "state/state_files.h"
#include "stop_vm.h"

namespace qc::commands {

// Hash over everything that shapes the running VM (not stop_grace_period or
// depends_on), including the resolved subnet/bridge of each network.
std::string VmConfigHash(const Context& ctx, const std::string& vm, const state::NetworksFile& nf);

// Creates the instance dir and disk if missing, makes fresh TAPs (netd may
// be null when the VM has no bridge NIC), starts qc-vmrunner, writes vm.json.
bool StartVm(const Context& ctx, const std::string& vm, const state::NetworksFile& nf,
             netd_client::NetdClient* netd, state::PortsFile* ports, state::VmState* out,
             pid_t* pid, std::string* error);

// Stops QEMU if running (grace_s < 0: the VM's stop_grace_period).
StopResult StopVmInstance(const Context& ctx, const std::string& vm, int grace_s, bool force);

// True if the VM has at least one bridge NIC.
bool HasBridgeNic(const Context& ctx, const std::string& vm);

}  // namespace qc::commands
