// Validation of a VmSpec before anything is started. The runner trusts its
// spec only as far as the user who wrote it: these checks turn mistakes into
// clear messages instead of odd QEMU failures.
#pragma once

#include <cstddef>
#include <string>

#include "vmspec.pb.h"

namespace qc::runner {

inline constexpr unsigned kMinCpus = 1;
inline constexpr unsigned kMaxCpus = 64;
inline constexpr unsigned long long kMinMemoryMb = 64;
inline constexpr unsigned long long kMaxMemoryMb = 1048576;
// Queues (TAP fds) one NIC may have.
inline constexpr int kMaxQueuesPerNic = 8;

// Checks the spec's own fields: ranges, names, MACs, path shapes, NIC
// layout, and that fd_count fds were passed for the NICs' tap_fd_index
// values. Touches nothing on the host. False + *err naming the field.
bool ValidateSpecFields(const qc::vm::VmSpec& spec, std::size_t fd_count, std::string* err);

// Checks the spec's paths on the host: instance_dir is a writable directory;
// kernel, initrd and disks are readable regular files (disks writable too
// unless read-only).
bool CheckHostPaths(const qc::vm::VmSpec& spec, std::string* err);

}  // namespace qc::runner
