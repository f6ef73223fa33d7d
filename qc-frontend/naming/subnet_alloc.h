// Choosing a /24 for a network with `subnet: auto`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ipv4.h"

namespace qc::naming {

// Default pool: 172.16.0.0/12, as in DESIGN.md.
inline const Ipv4Net kDefaultPool{0xac100000U, 12};

// First /24 of `pool` that overlaps nothing in `in_use` (host addresses as
// their networks, host routes, other qc- bridges, this project's other
// networks). Default routes (/0) in `in_use` are ignored: they overlap all.
std::optional<Ipv4Net> AllocateSubnet(const std::vector<Ipv4Net>& in_use,
                                      const Ipv4Net& pool = kDefaultPool);

// The host's IPv4 addresses (as networks) and routes (all tables), read with
// libnl-route from the current network namespace. false + error on failure.
bool ReadHostNetworks(std::vector<Ipv4Net>* out, std::string* error);

}  // namespace qc::naming
