#include "cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace qc::netd {

bool ParseCidr(const std::string& text, Cidr* out, std::string* err) {
  const std::size_t slash = std::min(text.find('/'), text.size());
  const std::string addr = text.substr(0, slash);
  in_addr a{};
  unsigned prefix = 33;  // stays invalid unless digits follow the slash
  std::from_chars(text.data() + slash + (slash < text.size() ? 1 : 0), text.data() + text.size(),
                  prefix);
  // glibc's inet_pton accepts only four decimal octets without leading zeros.
  if (inet_pton(AF_INET, addr.c_str(), &a) != 1) {
    *err = "'" + addr + "' is not an IPv4 address";
    return false;
  }
  const Cidr c{ntohl(a.s_addr), static_cast<int>(prefix)};
  // Only the canonical spelling round-trips: no leading zeros, signs,
  // embedded NULs or trailing bytes.
  if (prefix > 32 || FormatCidr(c) != text) {
    *err = "'" + text + "' is not an IPv4 CIDR like 172.16.3.1/24 (prefix 0..32, no leading zeros)";
    return false;
  }
  *out = c;
  return true;
}

std::string FormatIp(std::uint32_t addr) {
  return std::to_string(addr >> 24) + "." + std::to_string((addr >> 16) & 0xff) + "." +
         std::to_string((addr >> 8) & 0xff) + "." + std::to_string(addr & 0xff);
}

std::string FormatCidr(const Cidr& c) {
  return FormatIp(c.addr) + "/" + std::to_string(c.prefix);
}

std::uint32_t PrefixMask(int prefix) {
  return prefix <= 0 ? 0 : (prefix >= 32 ? 0xffffffffU : ~((1U << (32 - prefix)) - 1));
}

std::uint32_t NetworkOf(const Cidr& c) {
  return c.addr & PrefixMask(c.prefix);
}

bool Overlaps(const Cidr& a, const Cidr& b) {
  const std::uint32_t mask = PrefixMask(std::min(a.prefix, b.prefix));
  return (a.addr & mask) == (b.addr & mask);
}

bool Contains(const Cidr& outer, const Cidr& inner) {
  return inner.prefix >= outer.prefix && Overlaps(outer, inner);
}

bool CheckGatewayCidr(const Cidr& c, std::string* err) {
  // DHCP hands out .10-.250 of the last octet, so the subnet must be at least a /24.
  if (c.prefix < 16 || c.prefix > 24) {
    *err = "subnet " + FormatCidr(c) +
           (c.prefix > 24 ? " is smaller than a /24" : " is larger than a /16") +
           " (prefix must be 16..24)";
    return false;
  }
  const Cidr first{NetworkOf(c) + 1, c.prefix};
  if (c != first) {
    *err = "gateway must be the first host of the subnet: expected " + FormatCidr(first) +
           ", got " + FormatCidr(c);
    return false;
  }
  return true;
}

}  // namespace qc::netd
