// NAT and isolation rules for one qc- bridge, kept in the helper's own nftables
// table "ip qemu_compose" and nowhere else. A bridge's chains change in one
// atomic nftables transaction, so concurrent helpers never see half a set.
#pragma once

#include <string>

#include "ipv4.h"

namespace qc::netd {

// Installs (or re-installs, leaving exactly one set) the base chains of `bridge`:
//   BRIDGE-forward (filter forward):     iifname BRIDGE oifname "qc-*" oifname != BRIDGE drop
//                                        iifname BRIDGE ip saddr SUBNET accept
//                                        iifname BRIDGE drop  (spoofed source)
//                                        oifname BRIDGE ct state established,related accept
//                                        oifname BRIDGE drop
//   BRIDGE-postrouting (nat, srcnat):    ip saddr SUBNET oifname != BRIDGE masquerade
// `subnet` must pass ipv4::CheckSubnet.
bool NatEnable(const std::string& bridge, const ipv4::Cidr& subnet, std::string* err);
// Removes only `bridge`'s chains, and the table once it is empty; succeeds
// when there is nothing to remove.
bool NatDisable(const std::string& bridge, std::string* err);
// True when both chains of `bridge` exist.
bool NatIsEnabled(const std::string& bridge);

}  // namespace qc::netd
