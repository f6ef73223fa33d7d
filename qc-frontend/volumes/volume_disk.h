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
#include "vmspec.pb.h"

namespace qc::volumes {

std::string VolumesDir(const state::Layout& layout);
std::string VolumeDiskPath(const state::Layout& layout, const std::string& volume);

// Creates the volume's disk if it does not exist yet (atomically: a disk
// half made by a killed command is never used). *created says whether it
// did.
bool EnsureVolumeDisk(const state::Layout& layout, const compose::Volume& volume, bool* created,
                      std::string* error);

// The disk size a qcow2 file's header states, 0 if it cannot be read.
std::uint64_t QcowVirtualSize(const std::string& path);

// Volume names that have a disk, sorted.
std::vector<std::string> ExistingVolumes(const state::Layout& layout);

// The VM's named volumes as disks of its spec (created first if missing),
// in the order the VM lists them; a ':ro' mount is a read-only drive.
bool AddVolumeDisks(const state::Layout& layout, const compose::Project& project,
                    const std::string& vm, qc::vm::VmSpec* spec, std::string* error);

}  // namespace qc::volumes
