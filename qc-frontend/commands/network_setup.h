// Bringing a project's bridge networks up and down: subnet, reservations,
// dnsmasq's host files, and the helper calls.
#pragma once

#include <string>
#include <vector>

#include "commands/context.h"
#include "commands/netd_session.h"
#include "ipv4.h"
#include "netd_client/netd_client.h"
#include "planner/up_plan.h"
#include "state/state_files.h"

namespace qc::commands {

// Bridge networks used by `vms` (names, sorted, unique).
std::vector<std::string> BridgeNetworksOf(const Context& ctx, const std::vector<std::string>& vms);

// The subnet pools the helper allows (HelloReply.allowed_pools); starts the
// helper if it is not running yet.
bool HelperPools(NetdSession& netd, std::vector<ipv4::Cidr>* pools, std::string* error);

// The network as this `up` wants it, from its entry in `current` (if any):
// subnet (kept, manual, or allocated from the helper's pools), bridge,
// gateway, domain, reservations for every VM of the project on it, and
// config_hash; the dnsmasq fields as recorded. Changes nothing: a new
// `subnet: auto` network reads the host's addresses and routes and asks the
// helper for its pools.
bool ResolveNetwork(const Context& ctx, const std::string& net, NetdSession& netd,
                    const state::NetworksFile& current, state::NetworkState* out,
                    std::string* error);
// The planner's hash of a network resolved to ns (planner/config_hash.h).
std::string NetworkConfigHash(const Context& ctx, const std::string& net,
                              const state::NetworkState& ns);
// Writes dnsmasq's dhcp-hosts and hosts for ns (before dnsmasq starts or is
// told to re-read them).
bool WriteDnsmasqHosts(const Context& ctx, const std::string& net, const state::NetworkState& ns,
                       std::string* error);

// dnsmasq recorded for this network is alive and bound to its bridge.
bool DnsmasqAlive(const state::NetworkState& ns);
// A network link (bridge or TAP) of this name exists in our namespace.
bool LinkExists(const std::string& name);

// The bridge part of the planned network steps: bridge and address (when
// step.setup_bridge), forwarding and NAT, for every changed network in one
// pipelined batch. The first failure is the error; *failed names its
// network ("" if the helper could not be talked to).
bool ApplyBridgeSteps(netd_client::NetdClient& netd, const std::vector<planner::NetworkStep>& steps,
                      const state::NetworksFile& nf, std::string* failed, std::string* error);
// The dnsmasq part: start it (step.start_dnsmasq) or make it re-read its
// host files (step.reload_dnsmasq); updates the pid in *ns. Needs the
// bridge, not the VMs: up runs it while the VMs' QEMUs start.
bool ApplyDnsmasqStep(const Context& ctx, netd_client::NetdClient& netd,
                      const planner::NetworkStep& step, state::NetworkState* ns,
                      std::string* error);

// Kills dnsmasq, deletes leftover TAPs, NAT and the bridge, removes the
// dnsmasq state dir. Idempotent.
bool TeardownNetwork(const Context& ctx, netd_client::NetdClient& netd, const std::string& net,
                     const state::NetworkState& ns, std::string* error);

}  // namespace qc::commands
