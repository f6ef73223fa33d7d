#include "volumes/attach.h"

#include <unistd.h>

#include <fstream>
#include <set>

#include "commands/str_cat.h"
#include "commands/vm_probe.h"
#include "images/byte_units.h"
#include "state/atomic_file.h"
#include "virtiofs.h"
#include "volumes/volume_disk.h"

namespace qc::volumes {
namespace {

// First line of a /proc/sys file, "" if absent.
std::string ReadSysctl(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The VM's named volumes as disks of its spec, in the order it lists them
// (made or grown first); a ':ro' mount is a read-only drive.
bool AddVolumeDisks(const commands::Context& ctx, const std::string& vm, qc::vm::VmSpec* spec,
                    std::string* error) {
  for (const compose::VolumeMount& m : ctx.project.vms.at(vm).mounts) {
    if (!m.named) {
      continue;
    }
    const compose::Volume& volume = ctx.project.volumes.at(m.source);
    DiskChange change = DiskChange::kNone;
    if (!EnsureVolumeDisk(ctx.layout, volume, RunningUsers(ctx, m.source), &change, error)) {
      *error = "volume '" + m.source + "': " + *error;
      return false;
    }
    if (change == DiskChange::kGrown) {
      ctx.out.Note(commands::Cat("volume ", m.source, ": grown to ",
                                 images::FormatBytes(volume.size_bytes), ", file system included"));
    }
    auto* disk = spec->add_disks();
    disk->set_path(VolumeDiskPath(ctx.layout, m.source));
    disk->set_format("qcow2");
    disk->set_readonly(m.read_only);
    disk->set_serial(m.source);
  }
  return true;
}

}  // namespace

std::string RunningUsers(const commands::Context& ctx, const std::string& volume) {
  std::string users;
  for (const auto& [name, vm] : ctx.project.vms) {
    for (const std::string& v : vm.volumes) {
      if (v == volume && commands::IsQemuAlive(commands::ReadPidFile(ctx.layout.PidFile(name)))) {
        users += (users.empty() ? "" : ", ") + name;
      }
    }
  }
  return users;
}

void NoteUnappliedSizes(const commands::Context& ctx, const std::vector<std::string>& vms) {
  std::set<std::string> seen;
  for (const std::string& vm : vms) {
    for (const std::string& name : ctx.project.vms.at(vm).volumes) {
      const std::uint64_t have = QcowVirtualSize(VolumeDiskPath(ctx.layout, name));
      const std::uint64_t want = ctx.project.volumes.at(name).size_bytes;
      if (have != 0 && have != want && seen.insert(name).second) {
        ctx.out.Note(commands::Cat(
            "volume ", name, ": the compose file says ", images::FormatBytes(want),
            ", its disk has ", images::FormatBytes(have), "; ",
            have < want ? "it grows when it next starts with no VM running with it (stop them, "
                          "then `up`)"
                        : "volumes never shrink, set its size back",
            "; running VM(s): ", RunningUsers(ctx, name)));
      }
    }
  }
}

std::string VirtiofsUnavailableReason() {
  if (access(kVirtiofsdPath, X_OK) != 0) {
    return std::string(kVirtiofsdPath) + " is not installed (package qemu-system-common)";
  }
  if (ReadSysctl("/proc/sys/user/max_user_namespaces") == "0" ||
      ReadSysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0") {
    return "unprivileged user namespaces are disabled (user.max_user_namespaces or "
           "kernel.unprivileged_userns_clone)";
  }
  return "";
}

std::string ShareTag(int index) {
  // The colon is for cloud-init's `mounts`: it drops a device that is
  // neither a block device nor "host:path" (network) syntax.
  return "qc:share" + std::to_string(index);
}

bool AttachVolumes(const commands::Context& ctx, const std::string& vm, qc::vm::VmSpec* spec,
                   std::string* error) {
  if (!AddVolumeDisks(ctx, vm, spec, error)) {
    return false;
  }
  int index = 0;
  std::string why_not_virtiofs;
  for (const compose::VolumeMount& m : ctx.project.vms.at(vm).mounts) {
    if (m.named) {
      continue;
    }
    if (index == 0) {
      why_not_virtiofs = VirtiofsUnavailableReason();
      if (!why_not_virtiofs.empty()) {
        ctx.out.Note(commands::Cat("vm ", vm,
                                   ": sharing host directories over 9p, since virtiofs cannot "
                                   "run: ",
                                   why_not_virtiofs,
                                   ". The guest kernel needs 9p (9pnet_virtio); Debian's cloud "
                                   "kernel has none."));
      }
    }
    if (!state::MakeDirs(m.source, error)) {
      return false;
    }
    auto* dir = spec->add_shared_dirs();
    dir->set_source(m.source);
    dir->set_tag(ShareTag(index++));
    dir->set_readonly(m.read_only);
    dir->set_transport(why_not_virtiofs.empty() ? qc::vm::SharedDir::VIRTIOFS
                                                : qc::vm::SharedDir::NINEP);
  }
  return true;
}

}  // namespace qc::volumes
