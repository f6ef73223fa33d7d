// NAT and isolation rules for one qc- bridge, kept in the helper's own nftables
// table "ip qemu_compose" and nowhere else. Every call is one atomic nftables
// batch, so concurrent helpers cannot interleave half-applied rule sets.
#pragma once

#include <cstdint>
#include <string>

namespace qc::netd {

// Installs (or re-installs, leaving exactly one set) for `bridge`:
//   postrouting (nat, srcnat):  ip saddr SUBNET oifname != BRIDGE masquerade
//   forward (filter, accept):   iifname BRIDGE oifname "qc-*" oifname != BRIDGE drop  [chain head]
//                               iifname BRIDGE accept
//                               oifname BRIDGE ct state established,related accept
//                               oifname BRIDGE drop
// The qc-to-qc drop goes to the chain head so that no other bridge's accept
// precedes it. Rules carry the comment BRIDGE. `subnet_be`: network order,
// no host bits.
bool NatEnable(const std::string& bridge, uint32_t subnet_be, int prefix, std::string* err);
// Removes only `bridge`'s rules; succeeds when there is nothing to remove.
bool NatDisable(const std::string& bridge, std::string* err);
// True when the complete rule set for `bridge` is present.
bool NatIsEnabled(const std::string& bridge);

}  // namespace qc::netd
