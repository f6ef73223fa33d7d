#include "commands/vm_instance.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <future>

#include "commands/network_setup.h"
#include "commands/run_tool.h"
#include "commands/str_cat.h"
#include "commands/vm_firmware.h"
#include "commands/vm_probe.h"
#include "commands/vm_seed.h"
#include "images/overlay.h"
#include "paths/exe_paths.h"
#include "planner/config_hash.h"
#include "runner_launch.h"
#include "state/atomic_file.h"
#include "vmspec.pb.h"
#include "volumes/attach.h"

namespace qc::commands {
namespace {

constexpr int kFirstSshPort = 2222;

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  (void)std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool EnsureDisk(const Context& ctx, const std::string& name, const compose::Vm& vm, bool* have_disk,
                std::string* error) {
  std::string disk = ctx.layout.Disk(name);
  *have_disk = std::filesystem::exists(disk);
  if (*have_disk) {
    return true;
  }
  if (!vm.image.empty()) {
    images::BaseImage base;
    if (!images::ResolveBaseImage(vm.image, vm.image_digest, &base, error) ||
        !images::CreateOverlay(base, disk, vm.disk.size_bytes, error)) {
      return false;
    }
    *have_disk = true;
  } else if (vm.disk.size_bytes > 0) {
    if (!RunTool(
            {"qemu-img", "create", "-q", "-f", "qcow2", disk, std::to_string(vm.disk.size_bytes)},
            error)) {
      return false;
    }
    *have_disk = true;
  }
  return true;
}

}  // namespace

bool HasBridgeNic(const Context& ctx, const std::string& vm) {
  return !ctx.project.vms.at(vm).networks.empty();
}

nlohmann::ordered_json DesiredVmConfig(const Context& ctx, const std::string& name,
                                       const state::NetworksFile& nf) {
  const compose::Vm& vm = ctx.project.vms.at(name);
  std::vector<planner::NicFacts> nics;
  for (std::size_t i = 0; i < vm.networks.size(); ++i) {
    const std::string& net = vm.networks[i];
    auto it = nf.find(net);
    nics.push_back({net, BridgeOf(ctx, net), MacOf(ctx, name, static_cast<int>(i)),
                    it != nf.end() ? it->second.config_hash : ""});
  }
  return planner::VmConfig(vm, nics);
}

PendingVm::~PendingVm() {
  for (int fd : tap_fds) {
    close(fd);
  }
  if (runner.sock >= 0) {
    close(runner.sock);  // never collected: the runner then does not exec QEMU
  }
}

bool PrepareVm(const Context& ctx, const std::string& name, const state::NetworksFile& nf,
               state::PortsFile* ports, PendingVm* out, std::string* error) {
  out->vm = name;
  const compose::Vm& vm = ctx.project.vms.at(name);
  const auto& L = ctx.layout;
  if (!state::MakeDirs(L.VmDir(name), error)) {
    return false;
  }
  bool have_disk = false;
  if (!EnsureDisk(ctx, name, vm, &have_disk, error)) {
    return false;
  }
  // Stale files of a dead QEMU would mislead ps and the runner.
  for (const auto& f : {L.PidFile(name), L.QmpSocket(name), L.ConsoleSocket(name)}) {
    std::filesystem::remove(f);
  }

  qc::vm::VmSpec& spec = out->spec;
  spec.set_name(name);
  spec.set_project(ctx.project.name);
  spec.set_instance_dir(L.VmDir(name));
  spec.set_state_root(L.root);
  spec.set_cpus(vm.cpus);
  spec.set_memory_mb(vm.memory_mb);
  spec.set_accel(vm.accel);
  spec.set_kernel(vm.kernel);
  spec.set_initrd(vm.initrd);
  spec.set_cmdline(vm.cmdline);
  spec.set_vhost(true);
  if (have_disk) {
    auto* d = spec.add_disks();
    d->set_path(L.Disk(name));
    d->set_format("qcow2");
  }

  if (!volumes::AttachVolumes(ctx, name, &spec, error)) {
    *error = Cat("vm '", name, "': ", *error);
    return false;
  }

  state::VmState& st = out->st;
  st.name = name;
  nlohmann::ordered_json config = DesiredVmConfig(ctx, name, nf);
  st.config = config.dump();
  st.config_hash = planner::ConfigHash(config);
  st.created = NowUtc();
  // Bridge NICs: the TAPs (and their fds) come from CreateTaps.
  for (std::size_t i = 0; i < vm.networks.size(); ++i) {
    const std::string& net = vm.networks[i];
    const state::NetworkState& ns = nf.at(net);
    std::string tap = TapOf(ctx, name, static_cast<int>(i));
    std::string mac = MacOf(ctx, name, static_cast<int>(i));
    auto* nic = spec.add_nics();
    nic->set_mac(mac);
    nic->set_tap_name(tap);
    nic->set_bridge(ns.bridge);
    std::string ip;
    for (const auto& r : ns.reservations) {
      if (r.vm == name && r.mac == mac) {
        ip = r.ip;
      }
    }
    st.nics.push_back({net, mac, ip, tap, ns.bridge});
  }
  if (vm.networks.empty()) {
    // User-mode: SSH forward on 127.0.0.1, remembered in ports.json;
    // `ssh: {port: N}` fixes it.
    int port = vm.guest.ssh_port;
    if (auto it = ports->find(name); port == 0 && it != ports->end()) {
      port = it->second;
    }
    if (port == 0) {
      std::vector<int> taken;
      for (const auto& [other, p] : *ports) {
        taken.push_back(p);
      }
      for (const auto& [other, ovm] : ctx.project.vms) {
        for (const auto& pm : ovm.ports) {
          taken.push_back(pm.host);
        }
        taken.push_back(ovm.guest.ssh_port);
      }
      port = FreeLocalPort(kFirstSshPort, taken);
      if (port == 0) {
        *error = "vm '" + name + "': no free local port for SSH";
        return false;
      }
    }
    (*ports)[name] = port;
    auto* nic = spec.add_nics();
    nic->set_mac(MacOf(ctx, name, 0));
    nic->set_user_mode(true);
    auto* ssh = nic->add_forwards();
    ssh->set_host_port(static_cast<std::uint32_t>(port));
    ssh->set_guest_port(22);
    ssh->set_protocol("tcp");
    for (const auto& pm : vm.ports) {
      auto* fw = nic->add_forwards();
      fw->set_host_port(pm.host);
      fw->set_guest_port(pm.guest);
      fw->set_protocol(pm.protocol);
    }
    st.port = port;
    st.nics.push_back({"", MacOf(ctx, name, 0), "", "", ""});
  }
  // A cloud image gets its cloud-init seed; `firmware: uefi` its OVMF.
  if (!vm.image.empty() && !PrepareSeed(ctx, name, out->st, &spec, error)) {
    return false;
  }
  return PrepareFirmware(ctx, name, &spec, error);
}

bool CreateTaps(netd_client::NetdClient* netd, std::deque<PendingVm>* vms, std::string* error) {
  // One pipelined batch for every TAP of every VM; request i belongs to
  // owner[i] = (VM, NIC).
  std::vector<qc::netd::Request> reqs;
  std::vector<std::pair<PendingVm*, int>> owner;
  for (auto& p : *vms) {
    for (int i = 0; p.error.empty() && i < p.spec.nics_size(); ++i) {
      const auto& nic = p.spec.nics(i);
      if (nic.user_mode()) {
        continue;
      }
      if (netd == nullptr) {
        p.error = "vm '" + p.vm + "': no network helper";
        break;
      }
      // A TAP still there belongs to a QEMU that is gone (or being torn
      // down); asking the kernel first spares the helper a request.
      if (LinkExists(nic.tap_name())) {
        reqs.emplace_back().mutable_delete_tap()->set_name(nic.tap_name());
        owner.emplace_back(&p, -1 - i);
      }
      auto* t = reqs.emplace_back().mutable_create_tap();
      t->set_name(nic.tap_name());
      t->set_bridge(nic.bridge());
      t->set_queues(1);
      owner.emplace_back(&p, i);
    }
  }
  if (reqs.empty() || netd == nullptr) {  // without a helper, no request was queued
    return true;
  }
  std::vector<qc::netd::Reply> replies;
  std::vector<std::vector<int>> fds;
  std::vector<std::string> errors;
  if (!netd->CallAll(reqs, &replies, &fds, &errors, error)) {
    return false;
  }
  for (std::size_t r = 0; r < reqs.size(); ++r) {
    auto [p, i] = owner[r];
    bool deleting = i < 0;
    int nic_index = deleting ? -1 - i : i;
    auto* nic = p->spec.mutable_nics(nic_index);
    bool failed = !errors[r].empty() && !(deleting && replies[r].status() == qc::netd::NOT_FOUND);
    if (!deleting && !failed && fds[r].empty()) {
      failed = true;
      errors[r] = "the helper sent no fd";
    }
    if (failed && p->error.empty()) {
      p->error = Cat("vm '", p->vm, "': cannot create TAP ", nic->tap_name(), " on ", nic->bridge(),
                     ": ", errors[r]);
    }
    for (int fd : fds[r]) {
      if (!p->error.empty()) {
        close(fd);
        continue;
      }
      nic->add_tap_fd_index(static_cast<std::uint32_t>(p->tap_fds.size()));
      p->tap_fds.push_back(fd);
    }
  }
  return true;
}

bool StartVmRunner(const Context& ctx, PendingVm* p, std::string* error) {
  bool ok = StartRunner(paths::RunnerPath(), p->spec, p->tap_fds, ctx.layout.RunnerLog(p->vm),
                        &p->runner, error);
  for (int fd : p->tap_fds) {
    close(fd);  // the runner holds its own copies
  }
  p->tap_fds.clear();
  if (!ok) {
    *error = "vm '" + p->vm + "': " + *error + " (see " + ctx.layout.RunnerLog(p->vm) + ")";
  }
  return ok;
}

bool FinishVm(const Context& ctx, PendingVm* p, std::string* error) {
  pid_t pid = 0;
  if (!FinishRunner(&p->runner, &pid, error)) {
    *error = "vm '" + p->vm + "': " + *error + " (see " + ctx.layout.RunnerLog(p->vm) + ")";
    return false;
  }
  // Remember the pid and its start time: QEMU writes qemu.pid a moment
  // later, and with both the next up sees at once whether it still runs.
  p->st.pid = pid;
  p->st.pid_start = ProcessStartTime(pid);
  return true;
}

StopResult StopVmInstance(const Context& ctx, const std::string& vm, int grace_s, bool force) {
  state::VmState st;
  bool exists = false;
  std::string err;
  state::LoadVm(ctx.layout.VmJson(vm), &st, &exists, &err);
  pid_t pid = 0;
  if (!VmQemuAlive(ctx, vm, st, &pid)) {
    return StopResult{StopStep::kNotRunning, ""};
  }
  if (grace_s < 0) {
    grace_s = static_cast<int>(
        ctx.project.vms.count(vm) != 0 ? ctx.project.vms.at(vm).stop_grace_period_s : 30);
  }
  return StopVm(ctx.layout.QmpSocket(vm), pid, grace_s, force);
}

std::map<std::string, StopResult> StopVmInstances(const Context& ctx,
                                                  const std::vector<std::string>& vms, int grace_s,
                                                  bool force) {
  std::map<std::string, std::future<StopResult>> stops;
  for (const std::string& vm : vms) {
    if (std::filesystem::exists(ctx.layout.VmDir(vm))) {
      stops[vm] = std::async(std::launch::async, [&ctx, vm, grace_s, force] {
        return StopVmInstance(ctx, vm, grace_s, force);
      });
    }
  }
  std::map<std::string, StopResult> results;
  for (auto& [vm, f] : stops) {
    results[vm] = f.get();
  }
  return results;
}

}  // namespace qc::commands
