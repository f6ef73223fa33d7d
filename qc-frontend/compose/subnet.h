// Checks a network's `subnet:` value: "auto" or an IPv4 CIDR that is the
// network address itself and leaves room for the DHCP range .10-.250.
#pragma once

#include <string>
#include <string_view>

namespace qc::compose {

// Returns "" if valid, else the problem (without position or owner).
std::string CheckSubnet(std::string_view subnet);

}  // namespace qc::compose
