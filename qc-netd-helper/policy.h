// The administrator's policy, /etc/qemu-compose/netd.conf (path compiled in).
// Format and defaults: SECURITY.md. No allow_* line means every user may.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "ipv4.h"

namespace qc::netd {

struct Quotas {
  unsigned max_bridges = 8;
  unsigned max_taps = 64;
  unsigned max_dnsmasq = 8;
};

struct Policy {
  std::vector<std::string> allow_users;   // names or decimal uids
  std::vector<std::string> allow_groups;  // names or decimal gids
  std::vector<ipv4::Cidr> pools{ipv4::kDefaultPool};
  Quotas quotas;
  std::map<std::string, Quotas> per_user;  // key: user name or decimal uid
};

// False + "line N: reason" on any unknown key or bad value.
bool ParsePolicy(const std::string& text, Policy* out, std::string* err);
// A missing file gives the defaults. Refused unless it is a regular file
// owned by root and not group/world-writable.
bool LoadPolicyFile(const std::string& path, Policy* out, std::string* err);

struct Caller {
  uid_t uid = 0;
  std::string user;                 // may be empty if the uid has no name
  std::vector<gid_t> gids;          // real gid first, then the supplementary groups
  std::vector<std::string> groups;  // their names, where known
};

bool CallerAllowed(const Policy& p, const Caller& c);
Quotas EffectiveQuotas(const Policy& p, const Caller& c);

}  // namespace qc::netd
