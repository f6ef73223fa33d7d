#include "volumes/attach.h"

#include <unistd.h>

#include <fstream>

#include "commands/str_cat.h"
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

}  // namespace

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
  if (!AddVolumeDisks(ctx.layout, ctx.project, vm, spec, error)) {
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
