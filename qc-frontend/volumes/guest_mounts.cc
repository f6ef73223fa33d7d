#include "volumes/guest_mounts.h"

#include "volumes/attach.h"

namespace qc::volumes {

std::vector<MountEntry> GuestMounts(const compose::Vm& vm, bool ninep) {
  std::vector<MountEntry> entries;
  int share = 0;
  for (const compose::VolumeMount& m : vm.mounts) {
    const std::string tag = m.named ? "" : ShareTag(share++);
    if (!m.automount || m.target.empty()) {
      continue;
    }
    std::string options = "defaults,nofail";
    if (m.read_only) {
      options += ",ro";
    }
    if (!m.mount_options.empty()) {
      options += "," + m.mount_options;
    }
    if (m.named) {
      entries.push_back(
          {"/dev/disk/by-id/virtio-" + m.source, m.target, "ext4", options, "0", "2"});
    } else if (ninep) {
      entries.push_back(
          {tag, m.target, "9p", "trans=virtio,version=9p2000.L," + options, "0", "0"});
    } else {
      entries.push_back({tag, m.target, "virtiofs", options, "0", "0"});
    }
  }
  return entries;
}

}  // namespace qc::volumes
