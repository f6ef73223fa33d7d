// Which interface names the helper may create, change or delete.
#pragma once

#include <string>

namespace qc::netd {

// qc-[a-z0-9-]{1,12}: at most 15 bytes, so the kernel never truncates it.
bool IsValidBridgeName(const std::string& name);
// tap-[a-z0-9-]{1,11}.
bool IsValidTapName(const std::string& name);

}  // namespace qc::netd
