// What the host's network already uses, which `subnet: auto` must avoid.
#pragma once

#include <string>
#include <vector>

#include "ipv4.h"

namespace qc::naming {

// The host's IPv4 addresses (as networks) and routes (every table and type),
// read with libnl-route from the current network namespace. false + error on
// failure.
bool ReadHostNetworks(std::vector<ipv4::Cidr>* out, std::string* error);

}  // namespace qc::naming
