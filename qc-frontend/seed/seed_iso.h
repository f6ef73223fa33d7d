// Writing a VM's NoCloud seed to disk as the user: the three files in
// <vm_dir>/seed/ (for reading) and <vm_dir>/seed.iso, an ISO 9660 image with
// Joliet and Rock Ridge and the volume id "cidata" (made by xorriso).
// The ISO is byte-for-byte the same for the same files: fixed timestamps
// (SOURCE_DATE_EPOCH and the files' mtimes), owner root, mode from -r.
#pragma once

#include <string>

#include "seed/seed_files.h"

namespace qc::seed {

inline std::string SeedDir(const std::string& vm_dir) {
  return vm_dir + "/seed";
}
inline std::string SeedIsoPath(const std::string& vm_dir) {
  return vm_dir + "/seed.iso";
}

// Rewrites the seed only when its content differs from what is on disk
// (*changed says whether it did). false + *error naming the problem, e.g.
// xorriso missing.
bool WriteSeedIso(const SeedFiles& files, const std::string& vm_dir, bool* changed,
                  std::string* error);

}  // namespace qc::seed
