// Choosing the subnet of a network with `subnet: auto`.
#pragma once

#include <optional>
#include <vector>

#include "ipv4.h"

namespace qc::naming {

// The first /24 of `pools` (in their order) that overlaps nothing in
// `in_use`. Default routes (/0) in `in_use` overlap everything and are ignored.
std::optional<ipv4::Cidr> FirstFreeSubnet(const std::vector<ipv4::Cidr>& pools,
                                          const std::vector<ipv4::Cidr>& in_use);

}  // namespace qc::naming
