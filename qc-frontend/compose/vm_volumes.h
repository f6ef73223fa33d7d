// A VM's `volumes:` list: short strings ("data:/srv/data:ro",
// "./site:/srv/site") and the long form of the original qemu-compose and
// docker compose ({type, source, target, read_only, automount,
// mount_options}). Checks what one entry can get wrong (paths, options,
// repeats within the VM); cross-VM rules live in project_checks.
#pragma once

#include <cstdint>
#include <string>

#include "compose/model.h"
#include "compose/vm_parser.h"
#include "compose/yaml_reader.h"

namespace qc::compose {

// The longest volume name: it becomes the disk's virtio serial, which holds
// 20 bytes (/dev/disk/by-id/virtio-<name> in the guest).
inline constexpr std::size_t kMaxVolumeNameLength = 20;
// The smallest volume: mke2fs needs room for its tables and journal.
inline constexpr std::uint64_t kMinVolumeBytes = std::uint64_t{16} << 20;

void ParseVmVolumes(Reader& reader, const Entry& field, const std::string& owner,
                    const PathContext& paths, Vm* vm, VmRefs* refs);

// A VM booted with `kernel` has no cloud-init seed, so nothing would mount
// its volumes at their targets: such entries are errors (at their line)
// unless they say `automount: false`.
void CheckMountsNeedSeed(Diagnostics& diag, const Vm& vm, const std::string& owner);

// "" if `target` can be a guest mount point (absolute, no "..", no blanks or
// control characters, not "/"), else why not. *normal gets it without a
// trailing slash.
std::string CheckGuestTarget(const std::string& target, std::string* normal);

// "" if `options` are plain mount options (letters, digits and =,._:+-).
std::string CheckMountOptions(const std::string& options);

}  // namespace qc::compose
