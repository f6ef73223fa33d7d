// The guest's side of a VM's volumes: one fstab-style entry per mount with
// automount and a target, for the seed's cloud-init `mounts` (which creates
// the mount points, writes /etc/fstab and mounts them). Every entry has
// `nofail`: a missing disk or share never stops the guest's boot.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"

namespace qc::volumes {

// [device, mount point, type, options, dump, pass]
using MountEntry = std::vector<std::string>;

// Named volumes by their disk serial (/dev/disk/by-id/virtio-NAME, ext4),
// host directories by their tag (virtiofs, or 9p when ninep).
std::vector<MountEntry> GuestMounts(const compose::Vm& vm, bool ninep);

}  // namespace qc::volumes
