// Ethernet frames a guest could write into its TAP, built byte by byte with
// correct checksums (what a hostile guest kernel can send: anything).
#pragma once

#include <netinet/in.h>  // IPPROTO_*

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace qc::itest::frames {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;

Mac ParseMac(const std::string& text);  // "52:54:00:12:34:56"
std::uint32_t Ip4(const std::string& dotted);
// 16 bytes of an IPv6 address ("fe80::1").
Bytes Ip6(const std::string& text);

Bytes Ethernet(const Mac& dst, const Mac& src, std::uint16_t type, const Bytes& payload);
Bytes Ipv4(std::uint32_t src, std::uint32_t dst, std::uint8_t proto, const Bytes& payload,
           std::uint8_t ttl = 64);
Bytes Udp4(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
           const Bytes& payload);
// ICMP type/code, the 4 bytes after the checksum (`rest`), then `payload`.
Bytes Icmp4(std::uint8_t type, std::uint8_t code, std::uint32_t rest, const Bytes& payload);
// A TCP SYN, checksummed over the IPv4 pseudo header.
Bytes TcpSyn(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport);
Bytes Arp(std::uint16_t op, const Mac& sha, std::uint32_t spa, const Mac& tha, std::uint32_t tpa);
// IPv6 header (hop limit 255, as neighbour discovery needs) + ICMPv6 message
// whose checksum covers the pseudo header.
Bytes Icmp6(const Bytes& src, const Bytes& dst, std::uint8_t type, std::uint8_t code,
            const Bytes& body);
// A DNS query for `name`, type A, id `id`.
Bytes DnsQuery(std::uint16_t id, const std::string& name);

// A DHCP client message (BOOTP, broadcast flag set) from `mac`: `type` 1
// DISCOVER or 3 REQUEST, optionally with a requested address (option 50), a
// server identifier (54) and a host name (12); sent from 0.0.0.0:68 to
// 255.255.255.255:67.
Bytes Dhcp(std::uint8_t type, const Mac& mac, std::uint32_t xid, std::uint32_t requested = 0,
           std::uint32_t server = 0, const std::string& hostname = "");
// The DHCP message type (option 53) of a received DHCP reply frame, or 0.
int DhcpType(const Bytes& frame, std::uint32_t xid);
// struct virtio_net_hdr (little-endian): flags, gso_type, hdr_len, gso_size,
// csum_start, csum_offset.
Bytes VnetHeader(std::uint8_t flags, std::uint8_t gso_type, std::uint16_t hdr_len,
                 std::uint16_t gso_size, std::uint16_t csum_start, std::uint16_t csum_offset);

// Big-endian fields of a received frame.
std::uint16_t Be16(const Bytes& b, std::size_t at);
std::uint32_t Be32(const Bytes& b, std::size_t at);

}  // namespace qc::itest::frames
