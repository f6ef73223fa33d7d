// Bringing a project's bridge networks up and down: subnet, reservations,
// dnsmasq's host files, and the helper calls.
#pragma once

#include <string>
#include <vector>

#include "commands/context.h"
#include "netd_client/netd_client.h"
#include "planner/up_plan.h"
#include "state/state_files.h"

namespace qc::commands {

// Bridge networks used by `vms` (names, sorted, unique).
std::vector<std::string> BridgeNetworksOf(const Context& ctx, const std::vector<std::string>& vms);

// Fills (*nf)[net]: subnet (kept, manual, or allocated), bridge, gateway,
// domain and reservations for every VM of the project on it, then writes
// dhcp-hosts and hosts. *changed: reservations or subnet differ from before.
bool PrepareNetwork(const Context& ctx, const std::string& net, state::NetworksFile* nf,
                    bool* changed, std::string* error);

// dnsmasq recorded for this network is alive and bound to its bridge.
bool DnsmasqAlive(const state::NetworkState& ns);
// A network link (bridge or TAP) of this name exists in our namespace.
bool LinkExists(const std::string& name);

// Executes one planned network step through the helper and updates *ns.
bool ApplyNetworkStep(const Context& ctx, netd_client::NetdClient& netd,
                      const planner::NetworkStep& step, state::NetworkState* ns,
                      std::string* error);

// Kills dnsmasq, deletes leftover TAPs, NAT and the bridge, removes the
// dnsmasq state dir. Idempotent.
bool TeardownNetwork(const Context& ctx, netd_client::NetdClient& netd, const std::string& net,
                     const state::NetworkState& ns, std::string* error);

}  // namespace qc::commands
