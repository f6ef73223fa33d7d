// Everything a VM's NoCloud seed is made from. Filled by
// commands/vm_seed.cc from the compose model; other features add to
// cloud_config (see seed/cloud_config.h for that extension point).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "seed/cloud_config.h"

namespace qc::seed {

struct SeedInput {
  std::string vm;                      // local-hostname
  std::string project;                 // fqdn <vm>.<project>.qc
  std::string login_user;              // gets the key, passwordless sudo, /bin/bash
  std::string public_key;              // the project's public key, one line
  std::vector<std::string> macs;       // NICs in order; each gets DHCPv4
  std::vector<std::string> provision;  // inline shell scripts, run once in order
  std::vector<std::pair<std::string, std::string>> environment;  // /etc/environment
  std::string user_data;     // the user's own user-data file (second MIME part), or ""
  CloudConfig cloud_config;  // added by other features; merged after ours
};

}  // namespace qc::seed
