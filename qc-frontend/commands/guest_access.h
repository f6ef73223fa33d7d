// Reaching a VM's guest over SSH: the target (login user, project key,
// address, the project's known_hosts) for `ssh`, `exec`, readiness and
// healthchecks, and the guest watchers of cloud-image VMs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "commands/context.h"
#include "commands/vm_status.h"
#include "tools/tools.h"

namespace qc::commands {

// The project's known_hosts file (trust on first use, never ~/.ssh's).
std::string KnownHostsPath(const Context& ctx);

// How to log in to a running VM: its bridge IP on port 22, or
// 127.0.0.1:<forward> for user-mode. user_override "" = the VM's login
// (cloud image: `user:` or ours; kernel-booted: root). false + *error.
bool SshTargetFor(const Context& ctx, const std::string& vm, const VmStatus& s,
                  const std::string& user_override, tools::SshTarget* t, std::string* error);

// Starts a guest watcher for each running cloud-image VM among `vms` that
// has none for its current QEMU. Problems are reported, not fatal.
void StartGuestWatchers(const Context& ctx, const std::vector<std::string>& vms);

// `up --wait` for cloud-image VMs: ready = SSH with the project key works
// and cloud-init has finished; healthy where a healthcheck is defined.
// Prints each step with the time since up_started_ms (wall clock).
int WaitForCloudVms(const Context& ctx, const std::vector<std::string>& vms,
                    std::int64_t up_started_ms, int timeout_s);

// Removes the host keys recorded for `hosts` ("10.0.0.5", "[127.0.0.1]:2222")
// from the project's known_hosts: a new instance has new host keys.
void ForgetHostKeys(const Context& ctx, const std::vector<std::string>& hosts);

// A cloud image (booted from `image:`), as opposed to a kernel-booted VM.
bool IsCloudVm(const Context& ctx, const std::string& vm);

}  // namespace qc::commands
