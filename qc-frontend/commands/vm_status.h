// A VM's observed status, as shown by ps and inspect and awaited by up --wait.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "commands/context.h"
#include "state/state_files.h"

namespace qc::commands {

struct VmStatus {
  std::string status = "not-created";  // not-created, stopped, starting, running, ready,
                                       // healthy, unhealthy (cloud images with a healthcheck)
  bool has_state = false;
  state::VmState st;
  pid_t pid = 0;
  std::string ip;     // first bridge NIC's reserved IP, or "" for user-mode
  std::string lease;  // IP the guest got (serial log / dnsmasq leases), "" if none
};

// Reads vm.json, the pid file, QMP (short timeout) and the lease sources.
VmStatus ProbeVm(const Context& ctx, const std::string& vm, const state::NetworksFile& nf);
// ProbeVm for each VM at once (in vms' order): the QMP round trips and
// readiness checks of different VMs overlap instead of adding up.
std::vector<VmStatus> ProbeVms(const Context& ctx, const std::vector<std::string>& vms,
                               const state::NetworksFile& nf);
// Ready: the guest has a lease (bridge), or its SSH port answers / it
// reported a lease (user-mode).
bool VmReady(const Context& ctx, const VmStatus& s);
// "172.16.0.10" or "127.0.0.1:2222->22" (plus ports: forwards).
std::string AddressColumn(const Context& ctx, const std::string& vm, const VmStatus& s);

}  // namespace qc::commands
