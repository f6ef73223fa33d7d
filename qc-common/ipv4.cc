#include "ipv4.h"

#include <charconv>

namespace qc::ipv4 {

// A decimal number of one to three digits, no leading zero, at most `max`.
static std::optional<unsigned> ParseSmallNumber(std::string_view text, unsigned max) {
  unsigned n = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0') ||
      std::from_chars(text.data(), end, n).ptr != end || n > max) {
    return std::nullopt;
  }
  return n;
}

std::optional<std::uint32_t> ParseAddress(std::string_view text) {
  std::uint32_t addr = 0;
  for (int octet = 0; octet < 4; ++octet) {
    // The last octet runs to the end of the text, so trailing bytes make it invalid.
    const std::size_t end = octet < 3 ? text.find('.') : text.size();
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    const std::optional<unsigned> value = ParseSmallNumber(text.substr(0, end), 255);
    if (!value) {
      return std::nullopt;
    }
    addr = (addr << 8) | *value;
    text.remove_prefix(octet < 3 ? end + 1 : end);
  }
  return addr;
}

std::optional<Cidr> ParseCidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const std::optional<std::uint32_t> addr = ParseAddress(text.substr(0, slash));
  const std::optional<unsigned> prefix = ParseSmallNumber(text.substr(slash + 1), 32);
  if (!addr || !prefix) {
    return std::nullopt;
  }
  return Cidr{*addr, static_cast<int>(*prefix)};
}

std::string FormatAddress(std::uint32_t addr) {
  return std::to_string(addr >> 24) + "." + std::to_string((addr >> 16) & 0xff) + "." +
         std::to_string((addr >> 8) & 0xff) + "." + std::to_string(addr & 0xff);
}

std::string FormatCidr(const Cidr& c) {
  return FormatAddress(c.addr) + "/" + std::to_string(c.prefix);
}

std::uint32_t PrefixMask(int prefix) {
  if (prefix <= 0) {
    return 0;  // shifting a 32-bit value by 32 is undefined
  }
  return prefix >= 32 ? 0xffffffffU : 0xffffffffU << (32 - prefix);
}

Cidr NetworkOf(const Cidr& c) {
  return {c.addr & PrefixMask(c.prefix), c.prefix};
}

std::uint32_t BroadcastOf(const Cidr& c) {
  return c.addr | ~PrefixMask(c.prefix);
}

bool Overlaps(const Cidr& a, const Cidr& b) {
  // Two prefixes overlap when the shorter one contains the other's network.
  const std::uint32_t mask = PrefixMask(a.prefix < b.prefix ? a.prefix : b.prefix);
  return (a.addr & mask) == (b.addr & mask);
}

bool Contains(const Cidr& outer, const Cidr& inner) {
  return inner.prefix >= outer.prefix && Overlaps(outer, inner);
}

std::string CheckSubnet(const Cidr& subnet) {
  const std::string text = FormatCidr(subnet);
  if (subnet.prefix < kLargestPrefix) {
    return "subnet " + text + " is larger than a /16 (the prefix must be 16..24)";
  }
  if (subnet.prefix > kSmallestPrefix) {
    return "subnet " + text +
           " is smaller than a /24, which the DHCP range .10-.250 needs (the prefix must be "
           "16..24)";
  }
  if (NetworkOf(subnet) != subnet) {
    return "subnet " + text + " is not a network address; did you mean " +
           FormatCidr(NetworkOf(subnet)) + "?";
  }
  return "";
}

Cidr GatewayOf(const Cidr& subnet) {
  return {NetworkOf(subnet).addr + 1, subnet.prefix};
}

std::string CheckGateway(const Cidr& gateway) {
  const Cidr subnet = NetworkOf(gateway);
  if (std::string why = CheckSubnet(subnet); !why.empty()) {
    return why;
  }
  if (gateway != GatewayOf(subnet)) {
    return "the gateway must be the first host of the subnet: expected " +
           FormatCidr(GatewayOf(subnet)) + ", got " + FormatCidr(gateway);
  }
  return "";
}

std::uint32_t FirstDhcpAddress(const Cidr& subnet) {
  return NetworkOf(subnet).addr + kFirstDhcpHost;
}

std::uint32_t LastDhcpAddress(const Cidr& subnet) {
  return NetworkOf(subnet).addr + kLastDhcpHost;
}

std::string FormatList(const std::vector<Cidr>& cidrs) {
  std::string out;
  for (const Cidr& c : cidrs) {
    out += (out.empty() ? "" : ", ") + FormatCidr(c);
  }
  return out;
}

}  // namespace qc::ipv4
