#pragma once

#include <string>

namespace qc::netd {

// The only interface names the helper manages as bridges: qc-[a-z0-9-]{1,12}.
inline bool IsQcBridgeName(const std::string& name) {
  if (name.size() < 4 || name.size() > 15 || name.compare(0, 3, "qc-") != 0) return false;
  for (size_t i = 3; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace qc::netd
