#include "names.h"

#include <algorithm>
#include <string_view>

namespace qc::netd {

// Length is checked before anything else: a name longer than IFNAMSIZ-1 is
// refused, never truncated (cf. CVE-2019-13164 in qemu-bridge-helper).
static bool Matches(const std::string& name, std::string_view prefix, std::size_t max_tail) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  };
  return name.size() > prefix.size() && name.size() <= prefix.size() + max_tail &&
         name.starts_with(prefix) && std::all_of(name.begin() + prefix.size(), name.end(), allowed);
}

bool IsValidBridgeName(const std::string& name) {
  return Matches(name, "qc-", 12);
}
bool IsValidTapName(const std::string& name) {
  return Matches(name, "tap-", 11);
}

std::string OwnerAlias(uid_t uid) {
  return "qemu-compose:uid=" + std::to_string(uid);
}

bool AliasOwnedBy(const std::string& alias, uid_t uid) {
  return uid != static_cast<uid_t>(-1) && alias == OwnerAlias(uid);  // (uid_t)-1 is not a uid
}

std::string Quoted(std::string_view bytes) {
  constexpr std::size_t kShown = 64;
  std::string out = "'";
  for (const unsigned char c : bytes.substr(0, kShown)) {
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += "0123456789abcdef"[c >> 4];
      out += "0123456789abcdef"[c & 0xf];
    }
  }
  return out + (bytes.size() > kShown ? "'..." : "'");
}

}  // namespace qc::netd
