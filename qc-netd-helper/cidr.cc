#include "cidr.h"

#include <arpa/inet.h>

namespace qc::netd {

bool ParseCidr(const std::string& text, Cidr* out, std::string* err) {
  std::size_t slash = text.find('/');
  if (slash == std::string::npos || text.size() > 18) {
    *err = "'" + text + "' is not an IPv4 CIDR like 172.16.3.1/24";
    return false;
  }
  std::string addr = text.substr(0, slash);
  std::string plen = text.substr(slash + 1);
  in_addr a{};
  // glibc's inet_pton accepts only four decimal octets, no leading zeros.
  if (inet_pton(AF_INET, addr.c_str(), &a) != 1) {
    *err = "'" + addr + "' is not an IPv4 address";
    return false;
  }
  if (plen.empty() || plen.size() > 2 || (plen.size() == 2 && plen[0] == '0')) {
    *err = "bad prefix length in '" + text + "'";
    return false;
  }
  int p = 0;
  for (char c : plen) {
    if (c < '0' || c > '9') {
      *err = "bad prefix length in '" + text + "'";
      return false;
    }
    p = p * 10 + (c - '0');
  }
  if (p > 32) {
    *err = "prefix length " + plen + " is larger than 32";
    return false;
  }
  out->addr = ntohl(a.s_addr);
  out->prefix = p;
  return true;
}

std::string FormatAddr(std::uint32_t addr) {
  return std::to_string(addr >> 24) + "." + std::to_string((addr >> 16) & 0xff) + "." +
         std::to_string((addr >> 8) & 0xff) + "." + std::to_string(addr & 0xff);
}

std::string FormatCidr(const Cidr& c) {
  return FormatAddr(c.addr) + "/" + std::to_string(c.prefix);
}

std::uint32_t PrefixMask(int prefix) {
  return prefix <= 0 ? 0 : (prefix >= 32 ? 0xffffffffU : ~((1U << (32 - prefix)) - 1));
}

std::uint32_t NetworkOf(const Cidr& c) {
  return c.addr & PrefixMask(c.prefix);
}

bool Overlaps(const Cidr& a, const Cidr& b) {
  int p = a.prefix < b.prefix ? a.prefix : b.prefix;
  return (a.addr & PrefixMask(p)) == (b.addr & PrefixMask(p));
}

bool Contains(const Cidr& outer, const Cidr& inner) {
  return inner.prefix >= outer.prefix && Overlaps(outer, inner);
}

bool CheckGatewayCidr(const Cidr& c, std::string* err) {
  // DHCP hands out .10-.250 of the last octet, so the subnet must be at least a /24.
  if (c.prefix > 24) {
    *err = "subnet " + FormatCidr(c) + " is smaller than a /24 (prefix must be 16..24)";
    return false;
  }
  if (c.prefix < 16) {
    *err = "subnet " + FormatCidr(c) + " is larger than a /16 (prefix must be 16..24)";
    return false;
  }
  std::uint32_t first_host = NetworkOf(c) + 1;
  if (c.addr != first_host) {
    *err = "gateway must be the first host of the subnet: expected " + FormatAddr(first_host) +
           "/" + std::to_string(c.prefix) + ", got " + FormatCidr(c);
    return false;
  }
  return true;
}

}  // namespace qc::netd
