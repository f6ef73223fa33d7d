#include "commands/network_setup.h"

#include <net/if.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "commands/vm_probe.h"
#include "naming/host_networks.h"
#include "naming/subnet_alloc.h"
#include "planner/config_hash.h"
#include "state/atomic_file.h"

namespace qc::commands {

std::vector<std::string> BridgeNetworksOf(const Context& ctx, const std::vector<std::string>& vms) {
  std::set<std::string> nets;
  for (const auto& name : vms) {
    for (const auto& n : ctx.project.vms.at(name).networks) {
      nets.insert(n);
    }
  }
  return {nets.begin(), nets.end()};
}

// if_nametoindex asks the kernel of our network namespace; /sys/class/net
// may be a sysfs mounted for another namespace.
bool LinkExists(const std::string& name) {
  return !name.empty() && if_nametoindex(name.c_str()) != 0;
}

bool DnsmasqAlive(const state::NetworkState& ns) {
  if (ns.dnsmasq_pid <= 0) {
    return false;
  }
  std::ifstream in("/proc/" + std::to_string(ns.dnsmasq_pid) + "/cmdline", std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string cmd = ss.str();
  return cmd.find("dnsmasq") != std::string::npos && cmd.find(ns.bridge) != std::string::npos;
}

bool HelperPools(NetdSession& netd, std::vector<ipv4::Cidr>* pools, std::string* error) {
  netd_client::NetdClient* client = netd.Get(error);
  if (client == nullptr) {
    return false;
  }
  pools->clear();
  for (const std::string& text : client->hello().allowed_pools()) {
    const std::optional<ipv4::Cidr> pool = ipv4::ParseCidr(text);
    if (!pool) {
      *error = "the network helper reported an invalid subnet pool '" + text + "'";
      return false;
    }
    pools->push_back(*pool);
  }
  return true;
}

// `subnet: auto`: the first free /24 of the helper's pools that no host
// address or route and no other network of this project uses.
static bool AllocateSubnet(const std::string& net, NetdSession& netd, const state::NetworksFile& nf,
                           ipv4::Cidr* out, std::string* error) {
  std::vector<ipv4::Cidr> pools;
  std::vector<ipv4::Cidr> used;
  if (!HelperPools(netd, &pools, error) || !naming::ReadHostNetworks(&used, error)) {
    return false;
  }
  for (const auto& [other, st] : nf) {
    if (auto c = ipv4::ParseCidr(st.subnet); c && other != net) {
      used.push_back(*c);
    }
  }
  const std::optional<ipv4::Cidr> picked = naming::FirstFreeSubnet(pools, used);
  if (!picked) {
    *error = "network '" + net + "': no free /24 left in the allowed pools (" +
             (pools.empty() ? "none" : ipv4::FormatList(pools)) +
             "; every one overlaps a host address or route); set `subnet:` explicitly or ask "
             "the administrator for another pool in " QC_POLICY_PATH;
    return false;
  }
  *out = *picked;
  return true;
}

bool ResolveNetwork(const Context& ctx, const std::string& net, NetdSession& netd,
                    const state::NetworksFile& current, state::NetworkState* out,
                    std::string* error) {
  const state::NetworksFile* nf = &current;
  const compose::Network& cn = ctx.project.networks.at(net);
  state::NetworkState before;
  if (auto it = nf->find(net); it != nf->end()) {
    before = it->second;
  }
  state::NetworkState ns = before;
  ns.driver = cn.driver;
  ns.dnsmasq_unit = "none";
  ns.bridge = BridgeOf(ctx, net);
  ns.domain = DomainOf(ctx);
  std::optional<ipv4::Cidr> subnet = ipv4::ParseCidr(cn.subnet != "auto" ? cn.subnet : ns.subnet);
  if (cn.subnet == "auto" && ns.subnet.empty()) {
    subnet.emplace();
    if (!AllocateSubnet(net, netd, *nf, &*subnet, error)) {
      return false;
    }
  }
  // `config` checked a manual subnet; a remembered one comes from networks.json.
  if (!subnet || !ipv4::CheckSubnet(*subnet).empty()) {
    *error = "network '" + net + "': invalid subnet '" +
             (cn.subnet != "auto" ? cn.subnet : ns.subnet) + "'";
    return false;
  }
  ns.subnet = ipv4::FormatCidr(*subnet);
  ns.gateway = ipv4::FormatAddress(ipv4::GatewayOf(*subnet).addr);
  std::vector<naming::ReservationRequest> reqs;
  for (const auto& [name, vm] : ctx.project.vms) {
    for (std::size_t i = 0; i < vm.networks.size(); ++i) {
      if (vm.networks[i] == net) {
        reqs.push_back({name, MacOf(ctx, name, static_cast<int>(i))});
      }
    }
  }
  if (!naming::AssignReservations(*subnet, reqs, before.reservations, &ns.reservations, error)) {
    *error = "network '" + net + "': " + *error;
    return false;
  }
  ns.config_hash = NetworkConfigHash(ctx, net, ns);
  *out = ns;
  return true;
}

std::string NetworkConfigHash(const Context& ctx, const std::string& net,
                              const state::NetworkState& ns) {
  return planner::ConfigHash(
      planner::NetworkConfig(ctx.project.networks.at(net), ns.subnet, ns.bridge));
}

bool WriteDnsmasqHosts(const Context& ctx, const std::string& net, const state::NetworkState& ns,
                       std::string* error) {
  if (!state::MakeDirs(ctx.layout.DnsmasqDir(net), error)) {
    return false;
  }
  std::string dhcp_hosts, hosts;
  for (const auto& r : ns.reservations) {
    dhcp_hosts += r.mac + "," + r.ip + "," + r.hostname + "\n";
    hosts += r.ip + " " + r.hostname + " " + r.hostname + "." + ns.domain + "\n";
  }
  std::vector<std::string> errors;
  if (!state::WriteFilesAtomic(
          {{ctx.layout.DhcpHosts(net), dhcp_hosts}, {ctx.layout.Hosts(net), hosts}}, &errors)) {
    *error = errors[0].empty() ? errors[1] : errors[0];
    return false;
  }
  return true;
}

namespace {

bool Prefixed(const planner::NetworkStep& step, const std::string& what, const std::string& br,
              std::string* error) {
  *error = "network '" + step.network + "': " + what + " " + br + ": " + *error;
  return false;
}

}  // namespace

bool ApplyBridgeSteps(netd_client::NetdClient& netd, const std::vector<planner::NetworkStep>& steps,
                      const state::NetworksFile& nf, std::string* failed, std::string* error) {
  // One pipelined batch for all networks; each request's failure is
  // reported with what it was for.
  std::vector<qc::netd::Request> reqs;
  std::vector<std::pair<const planner::NetworkStep*, std::string>> what;
  auto add = [&](const planner::NetworkStep& step, std::string text) {
    what.emplace_back(&step, std::move(text));
    return &reqs.emplace_back();
  };
  for (const auto& step : steps) {
    if (step.unchanged()) {
      continue;
    }
    const state::NetworkState& ns = nf.at(step.network);
    if (step.setup_bridge) {
      // PrepareNetwork checked the subnet.
      const std::string cidr =
          ipv4::FormatCidr(ipv4::GatewayOf(ipv4::ParseCidr(ns.subnet).value_or(ipv4::Cidr{})));
      add(step, "cannot create bridge")->mutable_create_bridge()->set_name(ns.bridge);
      auto* addr = add(step, "cannot add " + cidr + " to")->mutable_add_address();
      addr->set_bridge(ns.bridge);
      addr->set_cidr(cidr);
    }
    // Forwarding and NAT are idempotent in the helper; re-asserting them
    // repairs a flushed ruleset.
    add(step, "cannot enable IPv4 forwarding for")->mutable_set_forwarding();
    add(step, "cannot enable NAT for")->mutable_enable_nat()->set_bridge(ns.bridge);
  }
  if (reqs.empty()) {
    return true;
  }
  std::vector<qc::netd::Reply> replies;
  std::vector<std::vector<int>> fds;
  std::vector<std::string> errors;
  if (!netd.CallAll(reqs, &replies, &fds, &errors, error)) {
    return false;
  }
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    if (!errors[i].empty()) {
      *error = errors[i];
      const planner::NetworkStep& step = *what[i].first;
      *failed = step.network;
      return Prefixed(step, what[i].second, nf.at(step.network).bridge, error);
    }
  }
  return true;
}

bool ApplyDnsmasqStep(const Context& ctx, netd_client::NetdClient& netd,
                      const planner::NetworkStep& step, state::NetworkState* ns,
                      std::string* error) {
  if (step.start_dnsmasq) {
    if (ns->dnsmasq_pid > 0 && DnsmasqAlive(*ns)) {
      kill(ns->dnsmasq_pid, SIGTERM);
    }
    int pid = 0;
    if (!netd.StartDhcp(ns->bridge, ctx.layout.DnsmasqDir(step.network), ns->domain, &pid, error)) {
      ns->dnsmasq_active = false;
      return Prefixed(step, "cannot start dnsmasq on", ns->bridge, error);
    }
    ns->dnsmasq_pid = pid;
  } else if (step.reload_dnsmasq && ns->dnsmasq_pid > 0) {
    // dnsmasq runs as us: SIGHUP makes it re-read dhcp-hosts and hosts.
    kill(ns->dnsmasq_pid, SIGHUP);
  }
  ns->dnsmasq_active = true;
  return true;
}

bool TeardownNetwork(const Context& ctx, netd_client::NetdClient& netd, const std::string& net,
                     const state::NetworkState& ns, std::string* error) {
  if (DnsmasqAlive(ns)) {
    kill(ns.dnsmasq_pid, SIGTERM);
    for (int i = 0; i < 50 && DnsmasqAlive(ns); ++i) {
      usleep(20000);
    }
    if (DnsmasqAlive(ns)) {
      kill(ns.dnsmasq_pid, SIGKILL);
    }
  }
  // Leftover TAPs of this bridge (normally gone with their QEMU).
  qc::netd::OwnedLinks owned;
  if (netd.ListOwned(&owned, error)) {
    for (const auto& l : owned.links()) {
      if (l.kind() == "tap" && l.master() == ns.bridge && !netd.DeleteTap(l.name(), error)) {
        return false;
      }
    }
  }
  if (!netd.DisableNat(ns.bridge, error)) {
    *error = "network '" + net + "': cannot remove NAT for " + ns.bridge + ": " + *error;
    return false;
  }
  if (!netd.DeleteBridge(ns.bridge, error)) {
    *error = "network '" + net + "': cannot delete bridge " + ns.bridge + ": " + *error;
    return false;
  }
  return state::RemoveTree(ctx.layout.DnsmasqDir(net), error);
}

}  // namespace qc::commands
