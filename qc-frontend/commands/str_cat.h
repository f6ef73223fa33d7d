// Concatenation without a temporary per `+` (messages built inside loops).
#pragma once

#include <string>

namespace qc::commands {

template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string s;
  (s += ... += parts);
  return s;
}

}  // namespace qc::commands
