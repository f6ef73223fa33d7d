#include "ownership.h"

#include <cstdint>

namespace qc::netd {
namespace {
constexpr char kPrefix[] = "qemu-compose:uid=";
}

std::string OwnerAlias(uid_t uid) {
  return kPrefix + std::to_string(uid);
}

bool ParseOwnerAlias(const std::string& alias, uid_t* uid) {
  const std::string prefix = kPrefix;
  if (alias.size() <= prefix.size() || alias.compare(0, prefix.size(), prefix) != 0) {
    return false;
  }
  std::string digits = alias.substr(prefix.size());
  if (digits.size() > 10 || (digits.size() > 1 && digits[0] == '0')) {
    return false;
  }
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > 0xfffffffeULL) {
    return false;  // (uid_t)-1 is not a uid
  }
  *uid = static_cast<uid_t>(value);
  return true;
}

bool AliasOwnedBy(const std::string& alias, uid_t uid) {
  uid_t owner = 0;
  return ParseOwnerAlias(alias, &owner) && owner == uid;
}

}  // namespace qc::netd
