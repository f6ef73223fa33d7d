// What `up` does when the helper refuses a network it was setting up: choose
// another `auto` subnet if a concurrent project took ours, or else undo the
// network so a refused request leaves neither a bridge nor remembered state.
#pragma once

#include <string>
#include <vector>

#include "commands/context.h"
#include "commands/netd_session.h"
#include "netd_client/netd_client.h"
#include "planner/up_plan.h"
#include "state/state_files.h"

namespace qc::commands {

// A link of this name has an IPv4 address (a bridge the helper created but
// never addressed, e.g. when `up` was killed in between, has none).
bool LinkHasIpv4(const std::string& name);

// If `net` has `subnet: auto` and its remembered subnet now overlaps a host
// address or route (another project claimed it between our choice and our
// AddAddress), forgets it and prepares `net` again with a free one. false if
// that is not what happened (or choosing again failed).
bool RechooseTakenAutoSubnet(const Context& ctx, const std::string& net, NetdSession& netd,
                             state::NetworksFile* nf);

// Deletes the bridge of every network `steps` was creating (the helper also
// drops its NAT rules and dnsmasq) and forgets it in *nf, so the next `up`
// starts that network afresh from the compose file.
void UndoNewNetworks(const Context& ctx, netd_client::NetdClient& netd,
                     const std::vector<planner::NetworkStep>& steps, state::NetworksFile* nf);

}  // namespace qc::commands
