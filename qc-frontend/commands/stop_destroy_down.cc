// `stop`, `destroy` and `down`: from gentlest to most complete.
#include <cstdio>
#include <filesystem>
#include <map>

#include "cli/exit_codes.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/netd_session.h"
#include "commands/network_setup.h"
#include "commands/str_cat.h"
#include "commands/vm_instance.h"
#include "state/atomic_file.h"
#include "state/project_lock.h"

namespace qc::commands {
namespace {

// VM instance dirs present on disk, including VMs no longer in the file.
std::vector<std::string> InstanceDirs(const Context& ctx) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ctx.layout.root, ec)) {
    if (e.is_directory() && std::filesystem::exists(e.path() / "vm.json")) {
      out.push_back(e.path().filename().string());
    }
  }
  return out;
}

// TAPs recorded in vm.json that still exist: ask the helper to delete them.
bool DeleteLeftoverTaps(const Context& ctx, const std::string& vm, NetdSession* netd,
                        std::string* err) {
  state::VmState st;
  bool exists = false;
  if (!state::LoadVm(ctx.layout.VmJson(vm), &st, &exists, err) || !exists) {
    return true;
  }
  for (const auto& nic : st.nics) {
    if (nic.tap.empty() || !LinkExists(nic.tap)) {
      continue;
    }
    netd_client::NetdClient* c = netd->Get(err);
    if (c == nullptr || !c->DeleteTap(nic.tap, err)) {
      return false;
    }
  }
  return true;
}

std::string Describe(const StopResult& r) {
  switch (r.step) {
    case StopStep::kNotRunning:
      return "not running";
    case StopStep::kPowerdown:
      return "stopped (guest powered off)";
    case StopStep::kQuit:
      return "stopped (QEMU quit)";
    case StopStep::kKill:
      return "stopped (killed)";
    case StopStep::kFailed:
      return "could not be stopped: " + r.detail;
  }
  return "?";
}

// Stops (and with `remove`, destroys) each VM; returns the exit code.
int StopEach(const Context& ctx, const std::vector<std::string>& vms, const StopOptions& o,
             bool remove, NetdSession* netd) {
  int rc = cli::kExitOk;
  // Power all VMs off at once; reporting and clean-up below stay
  // sequential, in reverse start order.
  std::map<std::string, StopResult> stops = StopVmInstances(ctx, vms, o.grace_s, o.force);
  for (auto it = vms.rbegin(); it != vms.rend(); ++it) {  // reverse start order
    const std::string& vm = *it;
    if (stops.count(vm) == 0) {
      ctx.out.Ok("vm " + vm + ": not created");
      continue;
    }
    StopResult r = stops[vm];
    if (r.step == StopStep::kFailed) {
      ctx.out.Fail("vm " + vm + ": " + Describe(r));
      rc = cli::kExitError;
      continue;
    }
    std::string err;
    if (!DeleteLeftoverTaps(ctx, vm, netd, &err)) {
      ctx.out.Fail(Cat("vm ", vm, ": cannot delete its TAP: ", err));
      rc = cli::kExitError;
      continue;
    }
    if (remove) {
      if (!state::RemoveTree(ctx.layout.VmDir(vm), &err)) {
        ctx.out.Fail(Cat("vm ", vm, ": ", err));
        rc = cli::kExitError;
        continue;
      }
      ctx.out.Ok("vm " + vm + ": " +
                 (r.step == StopStep::kNotRunning ? "removed" : Describe(r) + ", removed"));
    } else {
      ctx.out.Ok("vm " + vm + ": " + Describe(r));
    }
  }
  return rc;
}

int StopOrDestroy(const GlobalOptions& g, const StopOptions& o, bool remove) {
  Context ctx;
  state::ProjectLock lock;
  if (int rc = LoadAndLockProject(g, &ctx, &lock); rc != cli::kExitOk) {
    return rc;
  }
  std::string err;
  std::vector<std::string> vms;
  if (!SelectVms(ctx, o.vms, &vms, &err)) {
    ctx.out.Error(err);
    return cli::kExitUsage;
  }
  NetdSession netd;
  return StopEach(ctx, vms, o, remove, &netd);
}

}  // namespace

int RunStop(const GlobalOptions& g, const StopOptions& o) {
  return StopOrDestroy(g, o, false);
}

int RunDestroy(const GlobalOptions& g, const StopOptions& o) {
  return StopOrDestroy(g, o, true);
}

int RunDown(const GlobalOptions& g, const StopOptions& o) {
  Context ctx;
  state::ProjectLock lock;
  if (int rc = LoadAndLockProject(g, &ctx, &lock); rc != cli::kExitOk) {
    return rc;
  }
  if (!std::filesystem::exists(ctx.layout.root)) {
    ctx.out.Ok("nothing to do: project " + ctx.project.name + " is not up");
    return cli::kExitOk;
  }
  std::vector<std::string> vms;
  std::string err;
  SelectVms(ctx, {}, &vms, &err);
  for (const auto& dir : InstanceDirs(ctx)) {
    if (ctx.project.vms.count(dir) == 0) {
      vms.insert(vms.begin(), dir);  // orphans go last
    }
  }
  NetdSession netd;
  int rc = StopEach(ctx, vms, o, true, &netd);

  state::NetworksFile nf;
  if (!state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err)) {
    ctx.out.Error(err);
    return cli::kExitError;
  }
  for (auto it = nf.begin(); it != nf.end();) {
    netd_client::NetdClient* c = netd.Get(&err);
    if (c == nullptr || !TeardownNetwork(ctx, *c, it->first, it->second, &err)) {
      ctx.out.Fail("network " + it->first);
      ctx.out.Error(err);
      rc = cli::kExitError;
      ++it;
      continue;
    }
    ctx.out.Ok("network " + it->first + ": " + it->second.bridge + " removed");
    it = nf.erase(it);
    if (!state::SaveNetworks(ctx.layout.NetworksJson(), nf, &err)) {
      ctx.out.Error(err);
      return cli::kExitError;
    }
  }
  if (rc == cli::kExitOk) {
    state::RemoveTree(ctx.layout.root + "/dnsmasq", &err);
  }
  if (o.volumes && !RemoveAllVolumes(ctx)) {
    rc = cli::kExitError;
  }
  return rc;
}

}  // namespace qc::commands
