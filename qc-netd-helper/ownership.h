// Link ownership: every link the helper creates carries the caller's uid in
// its alias (IFLA_IFALIAS), which only CAP_NET_ADMIN can write.
#pragma once

#include <sys/types.h>

#include <string>

namespace qc::netd {

// "qemu-compose:uid=<uid>"
std::string OwnerAlias(uid_t uid);
// True only if the alias is exactly OwnerAlias(uid): uid=10 never matches
// uid=100, and leading zeros, signs or trailing bytes never match.
bool AliasOwnedBy(const std::string& alias, uid_t uid);

}  // namespace qc::netd
