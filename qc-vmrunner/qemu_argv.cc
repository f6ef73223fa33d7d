#include "qemu_argv.h"

#include "shared_dirs.h"

namespace qc::runner {
namespace {

std::string JoinFds(const std::vector<int>& all, const qc::vm::Nic& nic) {
  std::string out;
  for (unsigned idx : nic.tap_fd_index()) {
    if (!out.empty()) {
      out += ':';
    }
    out += std::to_string(all.at(idx));
  }
  return out;
}

void AddBridgeNic(const qc::vm::Nic& nic, const std::string& id, const QemuHostFacts& facts,
                  std::vector<std::string>* argv) {
  bool multiqueue = nic.tap_fd_index_size() > 1;
  bool vhost = !facts.vhost_fds.empty();
  std::string netdev = "tap,id=" + id;
  netdev += (multiqueue ? ",fds=" : ",fd=") + JoinFds(facts.tap_fds, nic);
  if (vhost) {
    netdev += ",vhost=on";
    netdev += (multiqueue ? ",vhostfds=" : ",vhostfd=") + JoinFds(facts.vhost_fds, nic);
  }
  std::string device = "virtio-net-pci,netdev=" + id + ",mac=" + nic.mac();
  if (multiqueue) {
    // One MSI-X vector per rx and tx queue, plus config and control.
    device += ",mq=on,vectors=" + std::to_string(2 * nic.tap_fd_index_size() + 2);
  }
  argv->insert(argv->end(), {"-netdev", netdev, "-device", device});
}

void AddUserNic(const qc::vm::Nic& nic, const std::string& id, std::vector<std::string>* argv) {
  std::string netdev = "user,id=" + id;
  for (const auto& fwd : nic.forwards()) {
    std::string proto = fwd.protocol().empty() ? "tcp" : fwd.protocol();
    // Host side bound to loopback only: forwards are for this user, not the LAN.
    netdev += ",hostfwd=" + proto + ":127.0.0.1:" + std::to_string(fwd.host_port()) +
              "-:" + std::to_string(fwd.guest_port());
  }
  argv->insert(argv->end(),
               {"-netdev", netdev, "-device", "virtio-net-pci,netdev=" + id + ",mac=" + nic.mac()});
}

// virtiofs: vhost-user-fs needs guest RAM that virtiofsd can map, hence
// the shared memfd backend. 9p: QEMU's own server (security_model=none:
// files keep the user's ownership, the guest cannot chown).
void AddSharedDirs(const qc::vm::VmSpec& spec, std::vector<std::string>* argv) {
  bool memfd = false;
  for (int i = 0; i < spec.shared_dirs_size(); ++i) {
    const auto& dir = spec.shared_dirs(i);
    const std::string id = "fs" + std::to_string(i);
    if (dir.transport() == qc::vm::SharedDir::NINEP) {
      argv->insert(argv->end(),
                   {"-virtfs", "local,path=" + EscapeOptionValue(dir.source()) +
                                   ",mount_tag=" + dir.tag() + ",security_model=none,id=" + id +
                                   (dir.readonly() ? ",readonly=on" : "")});
      continue;
    }
    if (!memfd) {
      argv->insert(
          argv->end(),
          {"-object",
           "memory-backend-memfd,id=mem,size=" + std::to_string(spec.memory_mb()) + "M,share=on",
           "-numa", "node,memdev=mem"});
      memfd = true;
    }
    argv->insert(
        argv->end(),
        {"-chardev", "socket,id=" + id + ",path=" + EscapeOptionValue(SharedDirSocket(spec, i)),
         "-device", "vhost-user-fs-pci,chardev=" + id + ",tag=" + dir.tag()});
  }
}

}  // namespace

std::string EscapeOptionValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    out += c;
    if (c == ',') {
      out += ',';
    }
  }
  return out;
}

std::vector<std::string> BuildQemuArgv(const qc::vm::VmSpec& spec, const QemuHostFacts& facts) {
  const std::string& dir = spec.instance_dir();
  const std::string edir = EscapeOptionValue(dir);
  const std::string machine = spec.machine().empty() ? "q35" : spec.machine();
  std::vector<std::string> argv = {
      facts.qemu_binary,
      "-name",
      "guest=" + spec.name() + ",process=qc-" + spec.project() + "-" + spec.name(),
      "-machine",
      machine + ",accel=" + facts.accel,
      "-smp",
      std::to_string(spec.cpus()),
      "-m",
      std::to_string(spec.memory_mb()),
      "-nodefaults",
      "-no-user-config",
      "-display",
      "none",
      // QEMU's own seccomp filter: no exec, no setuid, no obsolete syscalls,
      // no scheduler/affinity changes.
      "-sandbox",
      "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
      "-pidfile",
      dir + "/" + kPidFileName,
      "-qmp",
      "unix:" + edir + "/" + kQmpSocketName + ",server=on,wait=off",
      "-chardev",
      "socket,id=con0,path=" + edir + "/" + kConsoleSocketName +
          ",server=on,wait=off,logfile=" + edir + "/" + kSerialLogName + ",logappend=on",
      "-serial",
      "chardev:con0",
  };
  if (!spec.firmware_code().empty()) {
    // OVMF as two flash chips: the shared code read-only, the VM's own
    // variable store writable. Without them QEMU boots SeaBIOS.
    argv.insert(
        argv.end(),
        {"-drive",
         "if=pflash,format=raw,unit=0,readonly=on,file=" + EscapeOptionValue(spec.firmware_code()),
         "-drive", "if=pflash,format=raw,unit=1,file=" + EscapeOptionValue(spec.firmware_vars())});
  }
  if (!spec.kernel().empty()) {
    argv.insert(argv.end(), {"-kernel", spec.kernel()});
    if (!spec.initrd().empty()) {
      argv.insert(argv.end(), {"-initrd", spec.initrd()});
    }
    if (!spec.cmdline().empty()) {
      argv.insert(argv.end(), {"-append", spec.cmdline()});
    }
  }
  for (int i = 0; i < spec.disks_size(); ++i) {
    // -drive if=none plus a -device: QEMU 7.2 takes a serial only there.
    const auto& disk = spec.disks(i);
    const std::string id = "disk" + std::to_string(i);
    std::string drive = "file=" + EscapeOptionValue(disk.path()) + ",if=none,id=" + id +
                        ",format=" + disk.format() + ",cache=writeback";
    if (disk.readonly()) {
      drive += ",readonly=on";
    }
    std::string device = "virtio-blk-pci,drive=" + id;
    if (!disk.serial().empty()) {
      device += ",serial=" + disk.serial();
    }
    argv.insert(argv.end(), {"-drive", drive, "-device", device});
  }
  AddSharedDirs(spec, &argv);
  for (int i = 0; i < spec.nics_size(); ++i) {
    const auto& nic = spec.nics(i);
    std::string id = "net" + std::to_string(i);
    if (nic.user_mode()) {
      AddUserNic(nic, id, &argv);
    } else {
      AddBridgeNic(nic, id, facts, &argv);
    }
  }
  return argv;
}

}  // namespace qc::runner
