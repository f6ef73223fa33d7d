// `qemu-compose up`: networks, then one qc-vmrunner per VM, idempotently.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "cli/exit_codes.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/guest_access.h"
#include "commands/image_pull.h"
#include "commands/netd_session.h"
#include "commands/network_recovery.h"
#include "commands/network_setup.h"
#include "commands/phase_timer.h"
#include "commands/str_cat.h"
#include "commands/up_observe.h"
#include "commands/vm_instance.h"
#include "commands/vm_probe.h"
#include "commands/vm_status.h"
#include "planner/plan_text.h"
#include "planner/up_plan.h"
#include "readiness/guest_state.h"
#include "state/atomic_file.h"
#include "state/project_lock.h"
#include "subprocess.h"
#include "volumes/attach.h"

namespace qc::commands {
namespace {

// How long `up` waits for a started QEMU to initialise (its QMP greeting);
// generous, since 16 TCG guests starting on 2 loaded cores take seconds.
constexpr int kQmpGreetingTimeoutMs = 60000;
// Concurrent `up`s racing for `subnet: auto`: each retry sees every winner.
constexpr int kAutoSubnetTries = 8;

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
// Runs in the background while `up` does the rest: returns the pid to reap
// (0 if nothing was started).
pid_t StartSshKeygen(const Context& ctx) {
  std::string key = ctx.layout.SshKey();
  if (std::filesystem::exists(key)) {
    return 0;
  }
  std::string err;
  if (!state::MakeDirs(ctx.layout.root + "/ssh", &err)) {
    return 0;
  }
  SpawnOptions opts;
  opts.argv = {"ssh-keygen", "-q", "-t", "ed25519",
               "-N",         "",   "-C", "qemu-compose " + ctx.project.name,
               "-f",         key};
  opts.search_path = true;
  opts.in = Redirect::Null();
  opts.out = Redirect::Null();
  opts.err = Redirect::Null();
  Child child;
  return Spawn(opts, &child, &err) ? child.pid() : 0;
}

void Reap(pid_t pid) {
  if (pid > 0) {
    (void)Wait(pid);
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

// What was done to a VM, as `up` reports it: "recreated (memory changed)".
std::string Done(const planner::VmStep& step) {
  const char* done = step.action == planner::VmAction::kCreate     ? "created"
                     : step.action == planner::VmAction::kRecreate ? "recreated"
                                                                   : "restarted";
  return step.reason.empty() ? done : std::string(done) + " (" + step.reason + ")";
}

// Stops every VM the plan recreates and removes its instance, then tears
// down every network it recreates (their TAPs go with the old bridge, so
// the VMs go first). false + error if a network cannot be torn down; a VM
// that cannot be stopped is reported and added to *failed_vms.
bool TearDownForRecreate(const Context& ctx, const planner::UpPlan& plan, NetdSession* netd,
                         state::NetworksFile* nf, std::set<std::string>* failed_vms,
                         std::string* error) {
  std::vector<std::string> recreate;
  for (const auto& step : plan.vms) {
    if (step.action == planner::VmAction::kRecreate) {
      recreate.push_back(step.vm);
    }
  }
  for (const auto& [vm, r] : StopVmInstances(ctx, recreate, -1, false)) {
    std::string err;
    if (r.step == StopStep::kFailed) {
      ctx.out.Fail("vm " + vm + ": cannot stop the old instance: " + r.detail);
      failed_vms->insert(vm);
    } else if (!state::RemoveTree(ctx.layout.VmDir(vm), &err)) {
      ctx.out.Fail("vm " + vm + ": " + err);
      failed_vms->insert(vm);
    }
  }
  for (const auto& step : plan.networks) {
    auto it = nf->find(step.network);
    if (!step.teardown || it == nf->end()) {
      continue;
    }
    ctx.out.Note("network " + step.network + ": " + step.reason + ", recreating it");
    netd_client::NetdClient* c = netd->Get(error);
    if (c == nullptr || !TeardownNetwork(ctx, *c, step.network, it->second, error)) {
      return false;
    }
    nf->erase(it);
  }
  return true;
}

}  // namespace

int RunUp(const GlobalOptions& g, const UpOptions& o) {
  const std::int64_t up_started_ms = readiness::NowWallMs();
  PhaseTimer timer;
  auto t = PhaseTimer::Now();
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
  // Before the project lock: a long download must not block `ps` or `stop`.
  // A dry run downloads nothing.
  if (!o.dry_run && !PullImagesForUp(ctx, vms, o.pull)) {
    return cli::kExitError;
  }
  // A dry run creates nothing, not even the state directory or its lock.
  bool have_state_dir = std::filesystem::is_directory(ctx.layout.root);
  if (!o.dry_run && !state::MakeDirs(ctx.layout.root, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  state::ProjectLock lock;
  if ((!o.dry_run || have_state_dir) && !lock.Acquire(ctx.layout.Lock(), SayWaitingForLock, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  state::NetworksFile recorded;
  state::PortsFile ports;
  if (!state::LoadNetworks(ctx.layout.NetworksJson(), &recorded, &err) ||
      !state::LoadPorts(ctx.layout.PortsJson(), &ports, &err)) {
    ctx.out.Error(err + " (fix or delete it; `qemu-compose down` cleans up)");
    return cli::kExitError;
  }

  // Look, decide, and (unless this is a dry run) act on the decision.
  NetdSession netd;  // started only when needed (here: a new `auto` subnet's pools)
  UpView view;
  if (!ObserveUp(ctx, vms, recorded, netd, &view, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  planner::UpPlan plan = planner::PlanUp(view.inputs);
  if (o.dry_run) {
    ctx.out.Data(planner::FormatPlan(plan, view.inputs.net_desired));
    return cli::kExitOk;
  }
  std::vector<std::string> unchanged;
  for (const auto& s : plan.vms) {
    if (s.action == planner::VmAction::kUnchanged) {
      unchanged.push_back(s.vm);
    }
  }
  volumes::NoteUnappliedSizes(ctx, unchanged);
  if (plan.needs_helper(view.inputs.vm_desired)) {
    netd.Prefetch();  // its start-up overlaps what follows
  }
  pid_t keygen = StartSshKeygen(ctx);
  struct ReapAtExit {
    pid_t pid;
    ~ReapAtExit() { Reap(pid); }
  } reap_keygen{keygen};

  int rc = cli::kExitOk;
  std::set<std::string> failed_vms;
  state::NetworksFile nf = recorded;
  if (!TearDownForRecreate(ctx, plan, &netd, &nf, &failed_vms, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  if (!failed_vms.empty()) {
    rc = cli::kExitError;
  }
  // The networks as wanted; dnsmasq's host files before it starts or
  // re-reads them. Before any bridge exists, an allocated subnet is
  // remembered.
  for (const auto& step : plan.networks) {
    nf[step.network] = view.desired[step.network];
    if ((step.start_dnsmasq || step.reload_dnsmasq) &&
        !WriteDnsmasqHosts(ctx, step.network, nf[step.network], &err)) {
      ctx.out.Error(err);
      return cli::kExitError;
    }
  }
  if (nf != recorded && !state::SaveNetworks(ctx.layout.NetworksJson(), nf, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }

  bool need_helper = plan.needs_helper(view.inputs.vm_desired);
  t = timer.Add("prepare", t);
  netd_client::NetdClient* client = nullptr;
  if (need_helper && (client = netd.Get(&err)) == nullptr) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  t = timer.Add("helper", t);

  // Bridges, addresses and NAT first: the VMs' TAPs need their bridge.
  for (int attempt = 1; client != nullptr; ++attempt) {
    std::string failed;
    if (ApplyBridgeSteps(*client, plan.networks, nf, &failed, &err)) {
      break;
    }
    // A concurrent `up` took our auto subnet: choose again (each try sees
    // the winners). Else the refused networks must leave nothing behind.
    if (!failed.empty() && attempt < kAutoSubnetTries &&
        RechooseTakenAutoSubnet(ctx, failed, netd, &nf)) {
      continue;
    }
    UndoNewNetworks(ctx, *client, plan.networks, &nf);
    ctx.out.Fail("network " + (failed.empty() ? std::string("setup") : failed));
    ctx.out.Error(err);
    return cli::kExitError;
  }
  t = timer.Add("network", t);

  // A cloud image's seed carries the project's public key: it must exist now.
  Reap(std::exchange(reap_keygen.pid, 0));

  // Then every VM's instance, all TAPs in one batch, all vm.json at once,
  // and every runner, without waiting for them: the QEMUs start in
  // parallel while dnsmasq starts below.
  std::deque<PendingVm> pending;
  std::map<std::string, std::string> reasons;
  auto fail_vm = [&](const std::string& vm, const std::string& why) {
    ctx.out.Fail("vm " + vm);
    ctx.out.Error(why);
    rc = cli::kExitError;
  };
  for (const auto& step : plan.vms) {
    if (step.action == planner::VmAction::kUnchanged || failed_vms.count(step.vm) != 0) {
      continue;
    }
    // A VM can need the helper even if it was not needed before (recreate).
    if (HasBridgeNic(ctx, step.vm) && client == nullptr && (client = netd.Get(&err)) == nullptr) {
      ctx.out.Fail("vm " + step.vm + ": " + err);
      rc = cli::kExitError;
      continue;
    }
    PendingVm& p = pending.emplace_back();
    if (!PrepareVm(ctx, step.vm, nf, &ports, &p, &err)) {
      fail_vm(step.vm, err);
      pending.pop_back();
      continue;
    }
    reasons[step.vm] = Done(step);
  }
  if (!CreateTaps(client, &pending, &err)) {
    for (auto& p : pending) {
      p.error = "vm '" + p.vm + "': " + err;
    }
  }
  // vm.json first: if we die after QEMU started, the next `up` finds the
  // instance (and its pid file) instead of starting a second QEMU.
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<PendingVm*> ready;
  for (auto& p : pending) {
    if (!p.error.empty()) {
      fail_vm(p.vm, p.error);
      continue;
    }
    files.emplace_back(ctx.layout.VmJson(p.vm), state::SerializeVm(p.st));
    ready.push_back(&p);
  }
  std::vector<std::string> errors;
  state::WriteFilesAtomic(files, &errors);
  std::vector<PendingVm*> launched;
  for (std::size_t i = 0; i < ready.size(); ++i) {
    PendingVm* p = ready[i];
    if (!errors[i].empty() || !StartVmRunner(ctx, p, &err)) {
      fail_vm(p->vm, errors[i].empty() ? err : errors[i]);
      continue;
    }
    launched.push_back(p);
  }
  t = timer.Add("vms", t);

  // dnsmasq only needs the bridge; the guests ask for a lease seconds later.
  for (const auto& step : plan.networks) {
    state::NetworkState& ns = nf[step.network];
    std::string what = ns.bridge + " " + ns.subnet;
    if (step.unchanged()) {
      ctx.out.Ok("network " + step.network + ": " + what + " (unchanged)");
      continue;
    }
    bool ok = ApplyDnsmasqStep(ctx, *client, step, &ns, &err);
    std::string save_err;
    state::SaveNetworks(ctx.layout.NetworksJson(), nf, &save_err);
    if (!ok) {
      ctx.out.Fail("network " + step.network);
      ctx.out.Error(err);
      rc = cli::kExitError;
      continue;
    }
    std::string how = step.action == planner::NetworkAction::kRecreate ? "recreated"
                      : step.setup_bridge                              ? "created"
                      : step.start_dnsmasq                             ? "dnsmasq restarted"
                                                                       : "reservations updated";
    ctx.out.Ok(Cat("network ", step.network, ": ", what, " (", how, ")"));
  }
  t = timer.Add("dnsmasq", t);

  // Collect every runner's answer (QEMU exec'd) and record the pids, then
  // wait until each QEMU is initialised (its QMP greeting), all at once.
  std::vector<PendingVm*> started;
  files.clear();
  for (PendingVm* p : launched) {
    if (!FinishVm(ctx, p, &err)) {
      fail_vm(p->vm, err);
      continue;
    }
    files.emplace_back(ctx.layout.VmJson(p->vm), state::SerializeVm(p->st));
    started.push_back(p);
  }
  // Remember the pids: QEMU writes qemu.pid a moment later.
  if (!state::WriteFilesAtomic(files, &errors)) {
    for (const auto& e : errors) {
      if (!e.empty()) {
        ctx.out.Error(e);
        rc = cli::kExitError;
      }
    }
  }
  t = timer.Add("runners", t);
  std::vector<QmpWait> qmp;
  for (const PendingVm* p : started) {
    QmpWait w;
    w.qmp_sock = ctx.layout.QmpSocket(p->vm);
    w.pid = static_cast<pid_t>(p->st.pid);
    qmp.push_back(w);
  }
  WaitForQmpGreetings(&qmp, kQmpGreetingTimeoutMs);
  t = timer.Add("qmp", t);

  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < started.size(); ++i) {
    index[started[i]->vm] = i;
  }
  for (const auto& step : plan.vms) {
    if (step.action == planner::VmAction::kUnchanged) {
      ctx.out.Ok("vm " + step.vm + ": running (unchanged)");
      continue;
    }
    auto it = index.find(step.vm);
    if (it == index.end()) {
      continue;  // its failure has been reported
    }
    const PendingVm& p = *started[it->second];
    if (!qmp[it->second].ready) {
      ctx.out.Fail(Cat("vm ", step.vm, ": ", qmp[it->second].error, "; see ",
                       ctx.layout.SerialLog(step.vm), " and ", ctx.layout.RunnerLog(step.vm)));
      rc = cli::kExitError;
      continue;
    }
    std::string where;
    for (const auto& nic : p.st.nics) {
      where += nic.network.empty() ? " 127.0.0.1:" + std::to_string(p.st.port) + "->22"
                                   : " " + nic.ip + " on " + nic.tap;
    }
    ctx.out.Ok("vm " + step.vm + ": " + reasons[step.vm] + ", pid " + std::to_string(p.st.pid) +
               "," + where);
  }
  if (!state::SavePorts(ctx.layout.PortsJson(), ports, &err)) {
    ctx.out.Error(err);
    rc = cli::kExitError;
  }
  StartGuestWatchers(ctx, vms);
  if (rc != cli::kExitOk || !o.wait) {
    return rc;
  }
  // Cloud images are ready when SSH and cloud-init are; kernel-booted VMs
  // when they have their address.
  std::vector<std::string> cloud;
  std::vector<std::string> kernel_booted;
  for (const auto& vm : vms) {
    (IsCloudVm(ctx, vm) ? cloud : kernel_booted).push_back(vm);
  }
  rc = kernel_booted.empty() ? cli::kExitOk : WaitReady(ctx, kernel_booted, o.timeout_s);
  int cloud_rc = WaitForCloudVms(ctx, cloud, up_started_ms, o.timeout_s);
  return rc != cli::kExitOk ? rc : cloud_rc;
}

}  // namespace qc::commands
