#include "frames.h"

#include <arpa/inet.h>

#include <cstdio>
#include <stdexcept>

namespace qc::itest::frames {
namespace {

void Put16(Bytes* b, std::uint16_t v) {
  b->push_back(v >> 8);
  b->push_back(v & 0xff);
}

void Put32(Bytes* b, std::uint32_t v) {
  Put16(b, v >> 16);
  Put16(b, v & 0xffff);
}

void Append(Bytes* b, const Bytes& more) {
  b->insert(b->end(), more.begin(), more.end());
}

// The Internet checksum of `data`, starting from `sum` (a pseudo header's).
std::uint16_t Checksum(const Bytes& data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i < data.size(); i += 2) {
    sum += (data[i] << 8) | (i + 1 < data.size() ? data[i + 1] : 0);
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum);
}

std::uint32_t PseudoSum4(std::uint32_t src, std::uint32_t dst, std::uint8_t proto,
                         std::size_t len) {
  return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto +
         static_cast<std::uint32_t>(len);
}

void SetChecksum(Bytes* b, std::size_t at, std::uint16_t sum) {
  (*b)[at] = sum >> 8;
  (*b)[at + 1] = sum & 0xff;
}

}  // namespace

Mac ParseMac(const std::string& text) {
  Mac m{};
  unsigned v[6];
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) !=
      6) {
    throw std::runtime_error("not a MAC address: '" + text + "'");
  }
  for (int i = 0; i < 6; ++i) {
    m[i] = static_cast<std::uint8_t>(v[i]);
  }
  return m;
}

std::uint32_t Ip4(const std::string& dotted) {
  in_addr a{};
  if (inet_pton(AF_INET, dotted.c_str(), &a) != 1) {
    throw std::runtime_error("not an IPv4 address: " + dotted);
  }
  return ntohl(a.s_addr);
}

Bytes Ip6(const std::string& text) {
  in6_addr a{};
  if (inet_pton(AF_INET6, text.c_str(), &a) != 1) {
    throw std::runtime_error("not an IPv6 address: " + text);
  }
  return Bytes(a.s6_addr, a.s6_addr + 16);
}

Bytes Ethernet(const Mac& dst, const Mac& src, std::uint16_t type, const Bytes& payload) {
  Bytes b(dst.begin(), dst.end());
  b.insert(b.end(), src.begin(), src.end());
  Put16(&b, type);
  Append(&b, payload);
  return b;
}

Bytes Ipv4(std::uint32_t src, std::uint32_t dst, std::uint8_t proto, const Bytes& payload,
           std::uint8_t ttl) {
  Bytes b = {0x45, 0};
  Put16(&b, static_cast<std::uint16_t>(20 + payload.size()));
  Put32(&b, 0x12340000);  // id, no fragmentation flags
  b.push_back(ttl);
  b.push_back(proto);
  Put16(&b, 0);
  Put32(&b, src);
  Put32(&b, dst);
  SetChecksum(&b, 10, Checksum(b));
  Append(&b, payload);
  return b;
}

Bytes Udp4(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
           const Bytes& payload) {
  Bytes b;
  Put16(&b, sport);
  Put16(&b, dport);
  Put16(&b, static_cast<std::uint16_t>(8 + payload.size()));
  Put16(&b, 0);
  Append(&b, payload);
  SetChecksum(&b, 6, Checksum(b, PseudoSum4(src, dst, IPPROTO_UDP, b.size())));
  return Ipv4(src, dst, IPPROTO_UDP, b);
}

Bytes Icmp4(std::uint8_t type, std::uint8_t code, std::uint32_t rest, const Bytes& payload) {
  Bytes b = {type, code, 0, 0};
  Put32(&b, rest);
  Append(&b, payload);
  SetChecksum(&b, 2, Checksum(b));
  return b;
}

Bytes TcpSyn(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport) {
  Bytes b;
  Put16(&b, sport);
  Put16(&b, dport);
  Put32(&b, 0x01020304);  // sequence number
  Put32(&b, 0);           // ack
  b.push_back(5 << 4);    // header length 20
  b.push_back(0x02);      // SYN
  Put16(&b, 64240);       // window
  Put16(&b, 0);
  Put16(&b, 0);
  SetChecksum(&b, 16, Checksum(b, PseudoSum4(src, dst, IPPROTO_TCP, b.size())));
  return Ipv4(src, dst, IPPROTO_TCP, b);
}

Bytes Arp(std::uint16_t op, const Mac& sha, std::uint32_t spa, const Mac& tha, std::uint32_t tpa) {
  Bytes b;
  Put16(&b, 1);       // Ethernet
  Put16(&b, 0x0800);  // IPv4
  b.push_back(6);
  b.push_back(4);
  Put16(&b, op);
  b.insert(b.end(), sha.begin(), sha.end());
  Put32(&b, spa);
  b.insert(b.end(), tha.begin(), tha.end());
  Put32(&b, tpa);
  return b;
}

Bytes Icmp6(const Bytes& src, const Bytes& dst, std::uint8_t type, std::uint8_t code,
            const Bytes& body) {
  Bytes icmp = {type, code, 0, 0};
  Append(&icmp, body);
  Bytes pseudo = src;
  Append(&pseudo, dst);
  Put32(&pseudo, static_cast<std::uint32_t>(icmp.size()));
  Put32(&pseudo, IPPROTO_ICMPV6);
  Append(&pseudo, icmp);
  SetChecksum(&icmp, 2, Checksum(pseudo));
  Bytes b = {0x60, 0, 0, 0};
  Put16(&b, static_cast<std::uint16_t>(icmp.size()));
  b.push_back(IPPROTO_ICMPV6);
  b.push_back(255);
  Append(&b, src);
  Append(&b, dst);
  Append(&b, icmp);
  return b;
}

Bytes DnsQuery(std::uint16_t id, const std::string& name) {
  Bytes b;
  Put16(&b, id);
  Put16(&b, 0x0100);  // recursion desired
  Put16(&b, 1);       // one question
  Put16(&b, 0);
  Put32(&b, 0);
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    dot = dot == std::string::npos ? name.size() : dot;
    b.push_back(static_cast<std::uint8_t>(dot - start));
    b.insert(b.end(), name.begin() + start, name.begin() + dot);
    start = dot + 1;
  }
  b.push_back(0);
  Put16(&b, 1);  // A
  Put16(&b, 1);  // IN
  return b;
}

Bytes Dhcp(std::uint8_t type, const Mac& mac, std::uint32_t xid, std::uint32_t requested,
           std::uint32_t server, const std::string& hostname) {
  Bytes b = {1, 1, 6, 0};  // BOOTREQUEST, Ethernet, 6-byte address, no hops
  Put32(&b, xid);
  Put16(&b, 0);
  Put16(&b, 0x8000);         // broadcast the reply
  b.insert(b.end(), 16, 0);  // ciaddr, yiaddr, siaddr, giaddr
  b.insert(b.end(), mac.begin(), mac.end());
  b.insert(b.end(), 10 + 64 + 128, 0);  // rest of chaddr, sname, file
  Put32(&b, 0x63825363);                // magic cookie
  b.insert(b.end(), {53, 1, type});
  if (requested != 0) {
    b.insert(b.end(), {50, 4});
    Put32(&b, requested);
  }
  if (server != 0) {
    b.insert(b.end(), {54, 4});
    Put32(&b, server);
  }
  if (!hostname.empty()) {
    b.push_back(12);
    b.push_back(static_cast<std::uint8_t>(hostname.size()));
    b.insert(b.end(), hostname.begin(), hostname.end());
  }
  b.push_back(255);
  return Ethernet(ParseMac("ff:ff:ff:ff:ff:ff"), mac, 0x0800, Udp4(0, 0xffffffffU, 68, 67, b));
}

int DhcpType(const Bytes& f, std::uint32_t xid) {
  constexpr std::size_t kBootp = 14 + 20 + 8;  // Ethernet, IPv4 without options, UDP
  if (Be16(f, 12) != 0x0800 || f.size() < kBootp + 240 || f[23] != IPPROTO_UDP ||
      Be16(f, 36) != 68 || Be32(f, kBootp + 4) != xid) {
    return 0;
  }
  for (std::size_t i = kBootp + 240; i + 2 < f.size() && f[i] != 255; i += 2 + f[i + 1]) {
    if (f[i] == 53) {
      return f[i + 2];
    }
  }
  return 0;
}

Bytes VnetHeader(std::uint8_t flags, std::uint8_t gso_type, std::uint16_t hdr_len,
                 std::uint16_t gso_size, std::uint16_t csum_start, std::uint16_t csum_offset) {
  Bytes b = {flags, gso_type};
  for (const std::uint16_t v : {hdr_len, gso_size, csum_start, csum_offset}) {
    b.push_back(v & 0xff);
    b.push_back(v >> 8);
  }
  return b;
}

std::uint16_t Be16(const Bytes& b, std::size_t at) {
  return at + 2 <= b.size() ? (b[at] << 8) | b[at + 1] : 0;
}

std::uint32_t Be32(const Bytes& b, std::size_t at) {
  return (static_cast<std::uint32_t>(Be16(b, at)) << 16) | Be16(b, at + 2);
}

}  // namespace qc::itest::frames
