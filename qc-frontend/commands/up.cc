// `qemu-compose up`: networks, then one qc-vmrunner per VM, idempotently.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "cli/exit_codes.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/netd_session.h"
#include "commands/network_setup.h"
#include "commands/str_cat.h"
#include "commands/vm_instance.h"
#include "commands/vm_probe.h"
#include "commands/vm_status.h"
#include "naming/ipv4.h"
#include "planner/up_plan.h"
#include "state/atomic_file.h"
#include "state/project_lock.h"

namespace qc::commands {
namespace {

void SayWaitingForLock() {
  (void)std::fprintf(stderr, "waiting for another qemu-compose command on this project...\n");
}

// The requested VMs plus everything they depend on, in start order.
std::vector<std::string> WithDependencies(const Context& ctx, const std::vector<std::string>& vms) {
  std::set<std::string> want(vms.begin(), vms.end());
  std::vector<std::string> todo(vms.begin(), vms.end());
  while (!todo.empty()) {
    std::string v = todo.back();
    todo.pop_back();
    for (const auto& d : ctx.project.vms.at(v).depends_on) {
      if (want.insert(d).second) {
        todo.push_back(d);
      }
    }
  }
  std::vector<std::string> out;
  std::vector<std::string> all;
  SelectVms(ctx, {}, &all, nullptr);
  for (const auto& v : all) {
    if (want.count(v) != 0) {
      out.push_back(v);
    }
  }
  return out;
}

// Optional SSH key pair for `qemu-compose ssh`; skipped without ssh-keygen.
void EnsureSshKey(const Context& ctx) {
  std::string key = ctx.layout.SshKey();
  if (std::filesystem::exists(key)) {
    return;
  }
  std::string err;
  if (!state::MakeDirs(ctx.layout.root + "/ssh", &err)) {
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    (void)std::freopen("/dev/null", "w", stdout);
    (void)std::freopen("/dev/null", "w", stderr);
    execlp("ssh-keygen", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
           ("qemu-compose " + ctx.project.name).c_str(), "-f", key.c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid > 0) {
    int status = 0;
    waitpid(pid, &status, 0);
  }
}

int WaitReady(const Context& ctx, const std::vector<std::string>& vms, int timeout_s) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto deadline = start + std::chrono::seconds(timeout_s);
  std::set<std::string> pending(vms.begin(), vms.end());
  ctx.out.Note("waiting for " + std::to_string(pending.size()) +
               " VM(s) to get an address (timeout " + std::to_string(timeout_s) + "s)...");
  int rc = cli::kExitOk;
  while (!pending.empty()) {
    state::NetworksFile nf;
    std::string err;
    state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err);
    for (auto it = pending.begin(); it != pending.end();) {
      VmStatus s = ProbeVm(ctx, *it, nf);
      long secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
      if (s.status == "ready") {
        std::string where = s.lease.empty() ? AddressColumn(ctx, *it, s) : s.lease;
        if (!s.ip.empty() && !s.lease.empty() && s.lease != s.ip) {
          where += " (reserved " + s.ip + ")";
        }
        ctx.out.Ok("vm " + *it + ": ready (" + where + ") after " + std::to_string(secs) + "s");
        it = pending.erase(it);
      } else if (s.status == "stopped") {
        ctx.out.Fail("vm " + *it + ": QEMU exited while booting; see " + ctx.layout.SerialLog(*it) +
                     " and " + ctx.layout.RunnerLog(*it));
        rc = cli::kExitError;
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    if (pending.empty()) {
      break;
    }
    if (Clock::now() >= deadline) {
      for (const auto& v : pending) {
        ctx.out.Fail("vm " + v + ": not ready after " + std::to_string(timeout_s) + "s; see " +
                     ctx.layout.SerialLog(v));
      }
      return rc == cli::kExitOk ? cli::kExitTimeout : rc;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return rc;
}

}  // namespace

int RunUp(const GlobalOptions& g, const UpOptions& o) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  std::string err;
  std::vector<std::string> requested;
  if (!SelectVms(ctx, o.vms, &requested, &err)) {
    ctx.out.Error(err);
    return cli::kExitUsage;
  }
  std::vector<std::string> vms = WithDependencies(ctx, requested);
  if (!state::MakeDirs(ctx.layout.root, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  state::ProjectLock lock;
  if (!lock.Acquire(ctx.layout.Lock(), SayWaitingForLock, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  state::NetworksFile nf;
  state::PortsFile ports;
  if (!state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err) ||
      !state::LoadPorts(ctx.layout.PortsJson(), &ports, &err)) {
    ctx.out.Error(err + " (fix or delete it; `qemu-compose down` cleans up)");
    return cli::kExitError;
  }
  EnsureSshKey(ctx);

  // Desired network state first: subnets, reservations, dnsmasq files.
  std::vector<std::string> nets = BridgeNetworksOf(ctx, vms);
  std::map<std::string, planner::NetworkActual> net_actual;
  NetdSession netd;
  for (const auto& net : nets) {
    // A manual subnet that changed: the old bridge goes, a new one comes.
    const std::string& want = ctx.project.networks.at(net).subnet;
    auto want_cidr = naming::ParseCidr(want);
    if (nf.count(net) != 0 && want != "auto" && want_cidr &&
        want_cidr->ToString() != nf[net].subnet) {
      ctx.out.Note("network " + net + ": subnet changed from " + nf[net].subnet + " to " +
                   want_cidr->ToString() + ", recreating it");
      netd_client::NetdClient* c = netd.Get(&err);
      if (c == nullptr || !TeardownNetwork(ctx, *c, net, nf[net], &err)) {
        ctx.out.Error(err);
        return cli::kExitError;
      }
      nf.erase(net);
    }
    planner::NetworkActual a;
    a.has_state = nf.count(net) != 0;
    if (a.has_state) {
      a.dnsmasq_running = DnsmasqAlive(nf[net]);
    }
    if (!PrepareNetwork(ctx, net, &nf, &a.reservations_changed, &err) ||
        !state::SaveNetworks(ctx.layout.NetworksJson(), nf, &err)) {
      ctx.out.Error(err);
      return cli::kExitError;
    }
    a.bridge_exists = LinkExists(nf[net].bridge);
    net_actual[net] = a;
  }
  std::map<std::string, std::string> hashes;
  std::map<std::string, planner::VmActual> vm_actual;
  for (const auto& vm : vms) {
    hashes[vm] = VmConfigHash(ctx, vm, nf);
    state::VmState st;
    planner::VmActual a;
    if (!state::LoadVm(ctx.layout.VmJson(vm), &st, &a.has_state, &err)) {
      ctx.out.Debug(err + "; recreating the instance");
      a.has_state = true;  // corrupt: recreate
    }
    a.config_hash = st.config_hash;
    a.running = IsQemuAlive(VmPid(ctx, vm, st));
    vm_actual[vm] = a;
  }
  planner::UpPlan plan = PlanUp(vms, hashes, vm_actual, nets, net_actual);

  bool need_helper = false;
  for (const auto& s : plan.networks) {
    need_helper |= !s.unchanged();
  }
  for (const auto& s : plan.vms) {
    need_helper |= s.action != planner::VmAction::kUnchanged && HasBridgeNic(ctx, s.vm);
  }
  netd_client::NetdClient* client = nullptr;
  if (need_helper && (client = netd.Get(&err)) == nullptr) {
    ctx.out.Error(err);
    return cli::kExitError;
  }

  for (const auto& step : plan.networks) {
    state::NetworkState& ns = nf[step.network];
    std::string what = ns.bridge + " " + ns.subnet;
    if (step.unchanged()) {
      ctx.out.Ok("network " + step.network + ": " + what + " (unchanged)");
      continue;
    }
    bool ok = ApplyNetworkStep(ctx, *client, step, &ns, &err);
    std::string save_err;
    state::SaveNetworks(ctx.layout.NetworksJson(), nf, &save_err);
    if (!ok) {
      ctx.out.Fail("network " + step.network);
      ctx.out.Error(err);
      return cli::kExitError;
    }
    std::string how = step.setup_bridge    ? "created"
                      : step.start_dnsmasq ? "dnsmasq restarted"
                                           : "reservations updated";
    ctx.out.Ok(Cat("network ", step.network, ": ", what, " (", how, ")"));
  }

  int rc = cli::kExitOk;
  for (const auto& step : plan.vms) {
    if (step.action == planner::VmAction::kUnchanged) {
      ctx.out.Ok("vm " + step.vm + ": " + step.reason);
      continue;
    }
    if (step.action == planner::VmAction::kRecreate) {
      StopResult r = StopVmInstance(ctx, step.vm, -1, false);
      if (r.step == StopStep::kFailed) {
        ctx.out.Fail("vm " + step.vm + ": cannot stop the old instance: " + r.detail);
        rc = cli::kExitError;
        continue;
      }
      if (!state::RemoveTree(ctx.layout.VmDir(step.vm), &err)) {
        ctx.out.Fail("vm " + step.vm + ": " + err);
        rc = cli::kExitError;
        continue;
      }
    }
    // A VM can need the helper even if it was not needed before (recreate).
    netd_client::NetdClient* c = nullptr;
    if (HasBridgeNic(ctx, step.vm) && (c = netd.Get(&err)) == nullptr) {
      ctx.out.Fail("vm " + step.vm + ": " + err);
      rc = cli::kExitError;
      continue;
    }
    state::VmState st;
    pid_t pid = 0;
    if (!StartVm(ctx, step.vm, nf, c, &ports, &st, &pid, &err)) {
      ctx.out.Fail("vm " + step.vm);
      ctx.out.Error(err);
      rc = cli::kExitError;
      continue;
    }
    std::string where;
    for (const auto& nic : st.nics) {
      where += nic.network.empty() ? " 127.0.0.1:" + std::to_string(st.port) + "->22"
                                   : " " + nic.ip + " on " + nic.tap;
    }
    ctx.out.Ok("vm " + step.vm + ": " + step.reason + ", pid " + std::to_string(pid) + "," + where);
  }
  if (!state::SavePorts(ctx.layout.PortsJson(), ports, &err)) {
    ctx.out.Error(err);
    rc = cli::kExitError;
  }
  if (rc != cli::kExitOk || !o.wait) {
    return rc;
  }
  return WaitReady(ctx, vms, o.timeout_s);
}

}  // namespace qc::commands
