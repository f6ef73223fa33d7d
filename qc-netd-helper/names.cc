#include "names.h"

namespace qc::netd {
namespace {

// Length is checked before anything else: a name longer than IFNAMSIZ-1 is
// refused, never truncated (cf. CVE-2019-13164 in qemu-bridge-helper).
bool HasPrefixAndTail(const std::string& name, const std::string& prefix, std::size_t max_tail) {
  if (name.size() <= prefix.size() || name.size() > prefix.size() + max_tail) {
    return false;
  }
  if (name.compare(0, prefix.size(), prefix) != 0) {
    return false;
  }
  for (std::size_t i = prefix.size(); i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsValidBridgeName(const std::string& name) {
  return HasPrefixAndTail(name, "qc-", 12);
}
bool IsValidTapName(const std::string& name) {
  return HasPrefixAndTail(name, "tap-", 11);
}

}  // namespace qc::netd
