// IPv4 addresses and the rules of a qemu-compose subnet, written once for both
// sides of the helper boundary: the frontend applies them when it reads and
// chooses a `subnet:`, the privileged helper when it is asked to use one (so
// this file counts as privileged code: SECURITY.md, "Size"). Addresses are
// integers in host byte order. Nothing here throws or allocates beyond strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc::ipv4 {

struct Cidr {
  std::uint32_t addr = 0;  // as written: a gateway's CIDR has host bits
  int prefix = 0;          // 0..32
  bool operator==(const Cidr&) const = default;
};

// Four decimal octets 0..255 without leading zeros, signs or spaces.
std::optional<std::uint32_t> ParseAddress(std::string_view text);
// Such an address, '/', and a prefix 0..32 written the same strict way.
std::optional<Cidr> ParseCidr(std::string_view text);
std::string FormatAddress(std::uint32_t addr);  // "172.16.0.1"
std::string FormatCidr(const Cidr& c);          // "172.16.0.1/24"

std::uint32_t PrefixMask(int prefix);  // 24 -> 0xffffff00
Cidr NetworkOf(const Cidr& c);         // host bits cleared
std::uint32_t BroadcastOf(const Cidr& c);
bool Overlaps(const Cidr& a, const Cidr& b);
bool Contains(const Cidr& outer, const Cidr& inner);

// The rules. A subnet is a network address with a prefix from /16 to /24:
// DHCP hands out .10 to .250 of its first /24, so it needs a whole /24.
inline constexpr int kLargestPrefix = 16;
inline constexpr int kSmallestPrefix = 24;
inline constexpr std::uint32_t kFirstDhcpHost = 10;
inline constexpr std::uint32_t kLastDhcpHost = 250;
// The pool when netd.conf names none (SECURITY.md, "/etc/qemu-compose/netd.conf").
inline constexpr Cidr kDefaultPool{0xac100000U, 12};  // 172.16.0.0/12

// "" if `subnet` may be a network's subnet, else why not.
std::string CheckSubnet(const Cidr& subnet);
// The bridge's address: the subnet's first host, with the subnet's prefix.
Cidr GatewayOf(const Cidr& subnet);
// "" if `gateway` is the gateway of a subnet CheckSubnet accepts, else why not.
std::string CheckGateway(const Cidr& gateway);
// The first and last address DHCP hands out (reservations lie between them too).
std::uint32_t FirstDhcpAddress(const Cidr& subnet);
std::uint32_t LastDhcpAddress(const Cidr& subnet);

// "172.16.0.0/12, 10.200.0.0/16"
std::string FormatList(const std::vector<Cidr>& cidrs);

}  // namespace qc::ipv4
