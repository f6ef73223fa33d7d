// `ps` and `inspect`: read-only, no lock (they may run while `up` works).
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/table.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/network_setup.h"
#include "commands/vm_probe.h"
#include "commands/vm_status.h"

namespace qc::commands {
namespace {

using nlohmann::json;

bool LoadNetworksOrSay(const Context& ctx, state::NetworksFile* nf) {
  std::string err;
  if (state::LoadNetworks(ctx.layout.NetworksJson(), nf, &err)) {
    return true;
  }
  ctx.out.Error(err);
  return false;
}

}  // namespace

int RunPs(const GlobalOptions& g) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  state::NetworksFile nf;
  if (!LoadNetworksOrSay(ctx, &nf)) {
    return cli::kExitError;
  }
  std::vector<std::string> vms;
  std::string err;
  SelectVms(ctx, {}, &vms, &err);
  json arr = json::array();
  std::vector<std::vector<std::string>> rows;
  std::vector<VmStatus> statuses = ProbeVms(ctx, vms, nf);
  for (std::size_t i = 0; i < vms.size(); ++i) {
    const std::string& vm = vms[i];
    const VmStatus& s = statuses[i];
    Usage u;
    if (s.pid > 0) {
      u = ProcessUsage(s.pid);
    }
    std::uint64_t disk = FileUsage(ctx.layout.Disk(vm));
    char cpu[16];
    (void)std::snprintf(cpu, sizeof(cpu), "%.1f%%", u.cpu_percent);
    bool live = s.pid > 0;
    rows.push_back({vm, s.status, AddressColumn(ctx, vm, s), live ? cpu : "-",
                    live ? HumanBytes(u.rss_bytes) : "-", disk > 0 ? HumanBytes(disk) : "-",
                    live ? std::to_string(s.pid) : "-"});
    json j = {{"name", vm},
              {"status", s.status},
              {"ip", s.ip},
              {"lease", s.lease},
              {"port", s.st.port},
              {"cpu_percent", u.cpu_percent},
              {"memory_bytes", u.rss_bytes},
              {"disk_bytes", disk},
              {"pid", s.pid}};
    arr.push_back(j);
  }
  if (ctx.out.json()) {
    ctx.out.Data(arr.dump(2) + "\n");
  } else {
    ctx.out.Data(
        cli::RenderTable({"NAME", "STATUS", "IP / PORT", "CPU", "MEMORY", "DISK", "PID"}, rows));
  }
  return cli::kExitOk;
}

int RunInspect(const GlobalOptions& g, const std::string& vm) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  auto it = ctx.project.vms.find(vm);
  if (it == ctx.project.vms.end()) {
    ctx.out.Error("no VM named '" + vm + "' in " + ctx.project.compose_file);
    return cli::kExitUsage;
  }
  const compose::Vm& cfg = it->second;
  state::NetworksFile nf;
  if (!LoadNetworksOrSay(ctx, &nf)) {
    return cli::kExitError;
  }
  VmStatus s = ProbeVm(ctx, vm, nf);
  const auto& L = ctx.layout;

  json disks = json::array();
  if (std::filesystem::exists(L.Disk(vm))) {
    disks.push_back({{"path", L.Disk(vm)},
                     {"format", "qcow2"},
                     {"backing", cfg.image},
                     {"allocated_bytes", FileUsage(L.Disk(vm))}});
  }
  json nics = json::array();
  for (std::size_t i = 0; i < cfg.networks.size(); ++i) {
    const std::string& net = cfg.networks[i];
    json n = {{"network", net},
              {"bridge", BridgeOf(ctx, net)},
              {"tap", TapOf(ctx, vm, static_cast<int>(i))},
              {"mac", MacOf(ctx, vm, static_cast<int>(i))}};
    if (auto ns = nf.find(net); ns != nf.end()) {
      n["subnet"] = ns->second.subnet;
      n["gateway"] = ns->second.gateway;
      for (const auto& r : ns->second.reservations) {
        if (r.vm == vm && r.mac == n["mac"]) {
          n["ip"] = r.ip;
        }
      }
      n["dhcp"] = {{"dnsmasq_pid", ns->second.dnsmasq_pid},
                   {"running", DnsmasqAlive(ns->second)},
                   {"hosts_dir", L.DnsmasqDir(net)}};
    }
    if (i == 0) {
      n["lease"] = s.lease;
    }
    nics.push_back(n);
  }
  if (cfg.networks.empty()) {
    json fw = json::array();
    if (s.st.port > 0) {
      fw.push_back({{"host", s.st.port}, {"guest", 22}, {"protocol", "tcp"}});
    }
    for (const auto& p : cfg.ports) {
      fw.push_back({{"host", p.host}, {"guest", p.guest}, {"protocol", p.protocol}});
    }
    nics.push_back({{"network", "user-mode"}, {"mac", MacOf(ctx, vm, 0)}, {"forwards", fw}});
  }
  json j = {
      {"name", vm},
      {"project", ctx.project.name},
      {"status", s.status},
      {"pid", s.pid},
      {"created", s.st.created},
      {"config",
       {{"image", cfg.image},
        {"kernel", cfg.kernel},
        {"initrd", cfg.initrd},
        {"cmdline", cfg.cmdline},
        {"cpus", cfg.cpus},
        {"memory_mb", cfg.memory_mb},
        {"disk_size_bytes", cfg.disk.size_bytes},
        {"accel", cfg.accel.empty() ? "auto" : cfg.accel},
        {"stop_grace_period_s", cfg.stop_grace_period_s},
        {"depends_on", cfg.depends_on},
        {"config_hash", s.st.config_hash}}},
      {"disks", disks},
      {"networks", nics},
      {"paths",
       {{"instance_dir", L.VmDir(vm)},
        {"console", L.ConsoleSocket(vm)},
        {"serial_log", L.SerialLog(vm)},
        {"runner_log", L.RunnerLog(vm)},
        {"qmp", L.QmpSocket(vm)},
        {"pid_file", L.PidFile(vm)}}},
  };
  if (ctx.out.json()) {
    ctx.out.Data(j.dump(2) + "\n");
    return cli::kExitOk;
  }
  // Text: an indented key/value outline of the same document.
  std::string text;
  auto emit = [&text](auto&& self, const json& v, const std::string& indent) -> void {
    for (auto e = v.begin(); e != v.end(); ++e) {
      std::string key = v.is_array() ? "-" : e.key() + ":";
      if (e->is_structured() && !e->empty()) {
        text += indent + key + "\n";
        self(self, *e, indent + "  ");
      } else {
        std::string val = e->is_string() ? e->get<std::string>() : e->dump();
        text += indent + key + (val.empty() ? "" : " " + val) + "\n";
      }
    }
  };
  emit(emit, j, "");
  ctx.out.Data(text);
  return cli::kExitOk;
}

}  // namespace qc::commands
