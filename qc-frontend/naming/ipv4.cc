#include "ipv4.h"

#include <arpa/inet.h>

#include <charconv>

namespace qc::naming {

std::uint32_t PrefixMask(int prefix) {
  if (prefix <= 0) {
    return 0;
  }
  if (prefix >= 32) {
    return 0xffffffffU;
  }
  return ~((1U << (32 - prefix)) - 1);
}

bool Ipv4Net::Contains(std::uint32_t ip) const {
  return (ip & PrefixMask(prefix)) == addr;
}

bool Ipv4Net::Overlaps(const Ipv4Net& other) const {
  return Contains(other.addr) || other.Contains(addr);
}

std::string Ipv4Net::ToString() const {
  return Ipv4ToString(addr) + "/" + std::to_string(prefix);
}

std::string Ipv4ToString(std::uint32_t ip) {
  in_addr a{htonl(ip)};
  char buf[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &a, buf, sizeof(buf)) != nullptr ? buf : "";
}

std::optional<std::uint32_t> ParseIpv4(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) {
    return std::nullopt;
  }
  return ntohl(a.s_addr);
}

std::optional<Ipv4Net> ParseCidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) {
    return std::nullopt;
  }
  auto ip = ParseIpv4(text.substr(0, slash));
  if (!ip) {
    return std::nullopt;
  }
  std::string p = text.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (ec != std::errc() || end != p.data() + p.size() || p.empty() || prefix < 0 || prefix > 32) {
    return std::nullopt;
  }
  return Ipv4Net{*ip & PrefixMask(prefix), prefix};
}

}  // namespace qc::naming
