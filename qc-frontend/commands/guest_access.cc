#include "commands/guest_access.h"

#include <filesystem>
#include <sstream>

#include "commands/vm_probe.h"
#include "commands/vm_seed.h"
#include "readiness/guest_state.h"
#include "readiness/wait_guests.h"
#include "readiness/watcher.h"
#include "state/atomic_file.h"

namespace qc::commands {

std::string KnownHostsPath(const Context& ctx) {
  return ctx.layout.root + "/ssh/known_hosts";
}

bool IsCloudVm(const Context& ctx, const std::string& vm) {
  auto it = ctx.project.vms.find(vm);
  return it != ctx.project.vms.end() && !it->second.image.empty();
}

bool SshTargetFor(const Context& ctx, const std::string& vm, const VmStatus& s,
                  const std::string& user_override, tools::SshTarget* t, std::string* error) {
  if (!s.ip.empty()) {
    t->host = s.ip;
    t->port = 22;
  } else {
    t->host = "127.0.0.1";
    t->port = s.st.port;
  }
  t->user = user_override;
  if (t->user.empty() && IsCloudVm(ctx, vm) && !LoginUser(ctx, vm, &t->user, error)) {
    return false;
  }
  if (std::filesystem::exists(ctx.layout.SshKey())) {
    t->key_path = ctx.layout.SshKey();
  }
  t->known_hosts_path = KnownHostsPath(ctx);
  return true;
}

void StartGuestWatchers(const Context& ctx, const std::vector<std::string>& vms) {
  state::NetworksFile nf;
  std::string err;
  state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err);
  for (const auto& vm : vms) {
    if (!IsCloudVm(ctx, vm)) {
      continue;
    }
    VmStatus s = ProbeVm(ctx, vm, nf);
    if (s.pid <= 0) {
      continue;
    }
    readiness::GuestState gs;
    if (readiness::LoadGuestState(readiness::GuestStatePath(ctx.layout.VmDir(vm)), &gs) &&
        gs.qemu_pid == s.pid) {
      continue;  // watched (or watched to the end) already
    }
    readiness::WatchSpec spec;
    spec.vm = vm;
    spec.vm_dir = ctx.layout.VmDir(vm);
    spec.qemu_pid = s.pid;
    spec.healthcheck = ctx.project.vms.at(vm).guest.healthcheck;
    if (!SshTargetFor(ctx, vm, s, "", &spec.ssh, &err) || !readiness::StartWatcher(spec, &err)) {
      ctx.out.Note("warning: vm " + vm + ": cannot follow its boot: " + err);
    }
  }
}

int WaitForCloudVms(const Context& ctx, const std::vector<std::string>& vms,
                    std::int64_t up_started_ms, int timeout_s) {
  state::NetworksFile nf;
  std::string err;
  state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err);
  std::vector<readiness::GuestWait> waits;
  for (const auto& vm : vms) {
    readiness::GuestWait w;
    w.vm = vm;
    w.vm_dir = ctx.layout.VmDir(vm);
    w.serial_log = ctx.layout.SerialLog(vm);
    w.qemu_pid = ProbeVm(ctx, vm, nf).pid;
    w.healthcheck = ctx.project.vms.at(vm).guest.healthcheck.enabled();
    waits.push_back(w);
  }
  if (waits.empty()) {
    return 0;
  }
  ctx.out.Note("waiting for " + std::to_string(waits.size()) +
               " cloud-image VM(s): SSH, cloud-init" + " and healthchecks (timeout " +
               std::to_string(timeout_s) + "s)...");
  return readiness::WaitForGuests(ctx.out, waits, up_started_ms, timeout_s);
}

void ForgetHostKeys(const Context& ctx, const std::vector<std::string>& hosts) {
  const std::string path = KnownHostsPath(ctx);
  std::string text;
  std::string err;
  if (hosts.empty() || !state::ReadWholeFile(path, &text, &err)) {
    return;
  }
  std::istringstream in(text);
  std::string line;
  std::string kept;
  while (std::getline(in, line)) {
    // "host[,host...] keytype key": drop the line if it names one of ours.
    std::string names = line.substr(0, line.find(' '));
    bool ours = false;
    std::istringstream list(names);
    for (std::string name; std::getline(list, name, ',');) {
      for (const auto& h : hosts) {
        ours = ours || name == h;
      }
    }
    if (!ours) {
      kept += line + "\n";
    }
  }
  if (kept != text) {
    (void)state::WriteFileAtomic(path, kept, &err);
  }
}

}  // namespace qc::commands
