// `network ls`, `network down` and `config`.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/exit_codes.h"
#include "cli/table.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/netd_session.h"
#include "commands/network_setup.h"
#include "commands/str_cat.h"
#include "commands/vm_probe.h"
#include "compose/loader.h"
#include "state/project_lock.h"

namespace qc::commands {

using nlohmann::json;

int RunNetworkLs(const GlobalOptions& g) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  state::NetworksFile nf;
  std::string err;
  if (!state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  std::set<std::string> names;
  for (const auto& [n, v] : ctx.project.networks) {
    names.insert(n);
  }
  for (const auto& [n, v] : nf) {
    names.insert(n);
  }
  json arr = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : names) {
    auto c = ctx.project.networks.find(n);
    auto s = nf.find(n);
    bool up = s != nf.end() && LinkExists(s->second.bridge);
    bool dhcp = s != nf.end() && DnsmasqAlive(s->second);
    std::string status = c == ctx.project.networks.end() ? "orphaned" : (up ? "up" : "down");
    std::string bridge = s != nf.end() ? s->second.bridge : BridgeOf(ctx, n);
    std::string subnet = s != nf.end() ? s->second.subnet : c->second.subnet;
    std::string gw = s != nf.end() ? s->second.gateway : "";
    std::size_t vms = s != nf.end() ? s->second.reservations.size() : 0;
    rows.push_back({n, status, c != ctx.project.networks.end() ? c->second.driver : "bridge",
                    bridge, subnet, gw.empty() ? "-" : gw, dhcp ? "running" : "-",
                    std::to_string(vms)});
    arr.push_back({{"name", n},
                   {"status", status},
                   {"bridge", bridge},
                   {"subnet", subnet},
                   {"gateway", gw},
                   {"dnsmasq_running", dhcp},
                   {"dnsmasq_pid", s != nf.end() ? s->second.dnsmasq_pid : 0},
                   {"reservations", vms}});
  }
  if (ctx.out.json()) {
    ctx.out.Data(arr.dump(2) + "\n");
  } else {
    ctx.out.Data(cli::RenderTable(
        {"NAME", "STATUS", "DRIVER", "BRIDGE", "SUBNET", "GATEWAY", "DHCP", "VMS"}, rows));
  }
  return cli::kExitOk;
}

int RunNetworkDown(const GlobalOptions& g, const std::vector<std::string>& networks) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  std::string err;
  state::ProjectLock lock;
  if (std::filesystem::exists(ctx.layout.root) && !lock.Acquire(ctx.layout.Lock(), nullptr, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  state::NetworksFile nf;
  if (!state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  NetdSession netd;
  int rc = cli::kExitOk;
  for (const auto& net : networks) {
    auto it = nf.find(net);
    if (it == nf.end()) {
      if (ctx.project.networks.count(net) == 0) {
        ctx.out.Error("no network named '" + net + "' in " + ctx.project.compose_file);
        rc = cli::kExitUsage;
      } else {
        ctx.out.Ok("network " + net + ": not up");
      }
      continue;
    }
    // Refuse while a running VM still uses it, like docker's "active endpoints".
    std::string users;
    for (const auto& [name, vm] : ctx.project.vms) {
      for (const auto& n : vm.networks) {
        if (n == net && IsQemuAlive(ReadPidFile(ctx.layout.PidFile(name)))) {
          users += " " + name;
        }
      }
    }
    if (!users.empty()) {
      ctx.out.Fail(
          Cat("network ", net, ": still used by running VM(s):", users, " (stop them first)"));
      rc = cli::kExitError;
      continue;
    }
    netd_client::NetdClient* c = netd.Get(&err);
    if (c == nullptr || !TeardownNetwork(ctx, *c, net, it->second, &err)) {
      ctx.out.Fail("network " + net);
      ctx.out.Error(err);
      rc = cli::kExitError;
      continue;
    }
    ctx.out.Ok("network " + net + ": " + it->second.bridge + " removed");
    nf.erase(it);
    if (!state::SaveNetworks(ctx.layout.NetworksJson(), nf, &err)) {
      ctx.out.Error(err);
      return cli::kExitError;
    }
  }
  return rc;
}

int RunConfig(const GlobalOptions& g) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  ctx.out.Data(compose::RenderConfig(ctx.project, ctx.out.json()));
  return cli::kExitOk;
}

}  // namespace qc::commands
