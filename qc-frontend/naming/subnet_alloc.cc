#include "subnet_alloc.h"

namespace qc::naming {

std::optional<ipv4::Cidr> FirstFreeSubnet(const std::vector<ipv4::Cidr>& pools,
                                          const std::vector<ipv4::Cidr>& in_use) {
  constexpr int kSlash24 = ipv4::kSmallestPrefix;
  for (const ipv4::Cidr& pool : pools) {
    if (pool.prefix > kSlash24) {
      continue;  // holds no whole /24
    }
    const std::uint32_t count = 1U << (kSlash24 - pool.prefix);
    for (std::uint32_t i = 0; i < count; ++i) {
      const ipv4::Cidr candidate{ipv4::NetworkOf(pool).addr + (i << 8), kSlash24};
      bool taken = false;
      for (const ipv4::Cidr& used : in_use) {
        taken = taken || (used.prefix > 0 && ipv4::Overlaps(candidate, used));
      }
      if (!taken) {
        return candidate;
      }
    }
  }
  return std::nullopt;
}

}  // namespace qc::naming
