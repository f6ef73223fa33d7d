#include "commands/network_recovery.h"

#include <ifaddrs.h>
#include <netinet/in.h>

#include "commands/network_setup.h"
#include "naming/host_networks.h"

namespace qc::commands {

bool LinkHasIpv4(const std::string& name) {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) {
    return false;
  }
  bool found = false;
  for (const ifaddrs* a = all; a != nullptr; a = a->ifa_next) {
    found |= a->ifa_addr != nullptr && a->ifa_addr->sa_family == AF_INET && name == a->ifa_name;
  }
  freeifaddrs(all);
  return found;
}

bool RechooseTakenAutoSubnet(const Context& ctx, const std::string& net, NetdSession& netd,
                             state::NetworksFile* nf) {
  auto it = nf->find(net);
  if (it == nf->end() || ctx.project.networks.at(net).subnet != "auto") {
    return false;
  }
  const std::optional<ipv4::Cidr> ours = ipv4::ParseCidr(it->second.subnet);
  if (LinkHasIpv4(it->second.bridge)) {
    return false;  // the address was not what failed
  }
  std::vector<ipv4::Cidr> host;
  std::string err;
  if (!ours || !naming::ReadHostNetworks(&host, &err)) {
    return false;
  }
  // Our bridge has no address, so any overlap is someone else's. Default routes overlap everything
  // and do not count.
  bool taken = false;
  for (const auto& h : host) {
    taken |= h.prefix > 0 && ipv4::Overlaps(h, *ours);
  }
  if (!taken) {
    return false;
  }
  nf->erase(it);
  state::NetworkState fresh;
  if (!ResolveNetwork(ctx, net, netd, *nf, &fresh, &err) ||
      !WriteDnsmasqHosts(ctx, net, fresh, &err)) {
    return false;
  }
  (*nf)[net] = fresh;
  return true;
}

void UndoNewNetworks(const Context& ctx, netd_client::NetdClient& netd,
                     const std::vector<planner::NetworkStep>& steps, state::NetworksFile* nf) {
  for (const auto& step : steps) {
    auto it = nf->find(step.network);
    if (!step.setup_bridge || it == nf->end()) {
      continue;
    }
    std::string err;
    if (netd.DeleteBridge(it->second.bridge, &err)) {
      nf->erase(it);
    } else {
      ctx.out.Debug("cannot undo bridge " + it->second.bridge + ": " + err);
    }
  }
  std::string err;
  if (!state::SaveNetworks(ctx.layout.NetworksJson(), *nf, &err)) {
    ctx.out.Error(err);
  }
}

}  // namespace qc::commands
