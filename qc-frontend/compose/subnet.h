// Checks a network's `subnet:` value at load time: "auto", or a CIDR that the
// helper would accept too (qc-common/ipv4.h: a network address, /16 to /24).
// Whether it lies in the administrator's pools only the helper knows; `up`
// reports that.
#pragma once

#include <string>
#include <string_view>

namespace qc::compose {

// Returns "" if valid, else the problem (without position or owner).
std::string CheckSubnet(std::string_view subnet);

}  // namespace qc::compose
