// Which links the helper may touch: the names it may use, and the alias
// (IFLA_IFALIAS, which only CAP_NET_ADMIN can write) marking a link as the caller's.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace qc::netd {

// qc-[a-z0-9-]{1,12}: at most 15 bytes, so the kernel never truncates it.
bool IsValidBridgeName(const std::string& name);
// tap-[a-z0-9-]{1,11}.
bool IsValidTapName(const std::string& name);
// "qemu-compose:uid=<uid>"
std::string OwnerAlias(uid_t uid);
// True only if the alias is exactly OwnerAlias(uid): uid=10 never matches
// uid=100, and leading zeros, signs or trailing bytes never match.
bool AliasOwnedBy(const std::string& alias, uid_t uid);
// Caller-supplied bytes as a reply shows them: in quotes, at most 64 of them,
// each outside printable ASCII (and ' and \) as \xNN. So a reply stays
// valid UTF-8 (proto3 requires it) and shows exactly what was sent.
std::string Quoted(std::string_view bytes);

}  // namespace qc::netd
