// IPv4 addresses and prefixes as plain integers (host byte order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace qc::naming {

struct Ipv4Net {
  std::uint32_t addr = 0;  // network address (host bits cleared)
  int prefix = 0;          // 0..32

  bool Contains(std::uint32_t ip) const;
  bool Overlaps(const Ipv4Net& other) const;
  std::string ToString() const;  // "172.16.0.0/24"
  bool operator==(const Ipv4Net&) const = default;
};

std::uint32_t PrefixMask(int prefix);
std::string Ipv4ToString(std::uint32_t ip);
std::optional<std::uint32_t> ParseIpv4(const std::string& text);
// "a.b.c.d/n"; host bits are cleared. nullopt on malformed input.
std::optional<Ipv4Net> ParseCidr(const std::string& text);

}  // namespace qc::naming
