// The administrator's policy: /etc/qemu-compose/netd.conf (path compiled in).
//
//   # comment
//   allow_users = alice, bob, 1001   user names or uids (repeatable)
//   allow_groups = netdev            group names or gids (repeatable)
//   pool = 172.16.0.0/12             allowed subnets (repeatable; the first
//                                    pool line replaces the default)
//   max_bridges = 8
//   max_taps = 64
//   max_dnsmasq = 8
//   max_taps[alice] = 128            per-user override (user name or uid)
//
// No allow_users and no allow_groups line means every user may use the helper.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "cidr.h"

namespace qc::netd {

struct Quotas {
  unsigned max_bridges = 8;
  unsigned max_taps = 64;
  unsigned max_dnsmasq = 8;
};

struct Policy {
  std::vector<std::string> allow_users;            // names or decimal uids
  std::vector<std::string> allow_groups;           // names or decimal gids
  std::vector<Cidr> pools{Cidr{0xac100000U, 12}};  // 172.16.0.0/12
  Quotas quotas;
  std::map<std::string, Quotas> per_user;  // key: user name or decimal uid
};

// Parses policy text. False + "line N: reason" on any unknown key or bad value.
bool ParsePolicy(const std::string& text, Policy* out, std::string* err);

// Reads and parses the file. A missing file gives the defaults. Refused
// unless it is a regular file owned by root and not group/world-writable.
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
