// The three files of a NoCloud seed, made from a SeedInput. Pure and
// deterministic: the same input gives the same bytes, and the instance-id
// is a hash of the other content, so cloud-init applies a changed seed
// again at the next boot and an unchanged one never.
#pragma once

#include <string>

#include "seed/seed_input.h"

namespace qc::seed {

// Where the guest keeps what qemu-compose put there (provision steps, the
// shell form of `environment:`).
inline constexpr const char* kGuestDir = "/var/lib/qemu-compose";

struct SeedFiles {
  std::string instance_id;     // "qc-" + 16 hex digits
  std::string meta_data;       // instance-id, local-hostname
  std::string user_data;       // #cloud-config, or MIME multipart with the user's part
  std::string network_config;  // v2: every NIC by MAC, DHCPv4
};

// false + *error if the input cannot make a seed (e.g. the user's
// user-data is of a type cloud-init ignores, or features disagree).
bool BuildSeedFiles(const SeedInput& in, SeedFiles* out, std::string* error);

// The #cloud-config qemu-compose writes for the input (without the user's
// own part), with in.cloud_config merged after it.
bool BuildCloudConfig(const SeedInput& in, CloudConfig* out, std::string* error);

}  // namespace qc::seed
