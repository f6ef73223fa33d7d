// IPv4 CIDR parsing and arithmetic (host byte order throughout).
#pragma once

#include <cstdint>
#include <string>

namespace qc::netd {

struct Cidr {
  std::uint32_t addr = 0;  // host byte order, as written (may have host bits)
  int prefix = 0;
  bool operator==(const Cidr&) const = default;
};

// Strict "a.b.c.d/p": four decimal octets and p in 0..32, no leading zeros.
bool ParseCidr(const std::string& text, Cidr* out, std::string* err);
std::string FormatIp(std::uint32_t addr);  // "a.b.c.d"
std::string FormatCidr(const Cidr& c);
std::uint32_t PrefixMask(int prefix);
std::uint32_t NetworkOf(const Cidr& c);
bool Overlaps(const Cidr& a, const Cidr& b);
bool Contains(const Cidr& outer, const Cidr& inner);
// A bridge's gateway address: prefix 16..24, the subnet's first host. (The
// caller checks the pools.)
bool CheckGatewayCidr(const Cidr& c, std::string* err);

}  // namespace qc::netd
