#include "subnet_alloc.h"

namespace qc::naming {

std::optional<Ipv4Net> AllocateSubnet(const std::vector<Ipv4Net>& in_use, const Ipv4Net& pool) {
  if (pool.prefix > 24) {
    return std::nullopt;
  }
  const std::uint32_t count = 1U << (24 - pool.prefix);
  for (std::uint32_t i = 0; i < count; ++i) {
    Ipv4Net candidate{pool.addr + (i << 8), 24};
    bool taken = false;
    for (const auto& used : in_use) {
      if (used.prefix == 0) {
        continue;
      }
      if (candidate.Overlaps(used)) {
        taken = true;
        break;
      }
    }
    if (!taken) {
      return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace qc::naming
