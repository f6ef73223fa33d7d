#include "ownership.h"

namespace qc::netd {

std::string OwnerAlias(uid_t uid) {
  return "qemu-compose:uid=" + std::to_string(uid);
}

bool AliasOwnedBy(const std::string& alias, uid_t uid) {
  return uid != static_cast<uid_t>(-1) && alias == OwnerAlias(uid);  // (uid_t)-1 is not a uid
}

}  // namespace qc::netd
