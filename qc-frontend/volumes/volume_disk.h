// Named volumes as disks: one qcow2 per volume in .qemu-compose/volumes/,
// made with an ext4 file system already on it (mke2fs on a sparse raw file,
// then qemu-img convert: neither needs root), kept across stop, destroy and
// down, attached to each VM that lists it with the volume's name as the
// virtio serial (/dev/disk/by-id/virtio-<name> in the guest).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compose/model.h"
#include "state/layout.h"

namespace qc::volumes {

std::string VolumesDir(const state::Layout& layout);
std::string VolumeDiskPath(const state::Layout& layout, const std::string& volume);

enum class DiskChange { kNone, kCreated, kGrown };

// Creates the volume's disk if it does not exist yet (atomically: a disk
// half made by a killed command is never used). A disk smaller than the
// compose file's size grows to it, file system included (GrowVolumeDisk),
// unless `busy` names running VMs that have it attached; a larger one is an
// error: volumes never shrink (that would lose data). *change says what
// happened.
bool EnsureVolumeDisk(const state::Layout& layout, const compose::Volume& volume,
                      const std::string& busy, DiskChange* change, std::string* error);

// Grows the volume's disk and its ext4 to volume.size_bytes, offline and
// without root: qemu-img convert to a sparse raw copy, e2fsck -f,
// resize2fs, convert back, rename over the disk. Takes time and space in
// proportion to the data on it; the disk is unchanged if any step fails.
bool GrowVolumeDisk(const state::Layout& layout, const compose::Volume& volume, std::string* error);

// The disk size a qcow2 file's header states, 0 if it cannot be read.
std::uint64_t QcowVirtualSize(const std::string& path);

// Volume names that have a disk, sorted.
std::vector<std::string> ExistingVolumes(const state::Layout& layout);

}  // namespace qc::volumes
