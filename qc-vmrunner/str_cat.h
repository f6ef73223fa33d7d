// Builds a message from pieces with one growing string (no temporaries), for
// the error messages composed inside loops.
#pragma once

#include <string>

namespace qc::runner {

template <typename... Parts>
std::string StrCat(const Parts&... parts) {
  std::string out;
  (out += ... += parts);
  return out;
}

}  // namespace qc::runner
