#include "reservations.h"

#include <algorithm>
#include <set>

namespace qc::naming {

std::uint32_t GatewayOf(const Ipv4Net& subnet) {
  return subnet.addr + 1;
}

bool AssignReservations(const Ipv4Net& subnet, std::vector<ReservationRequest> vms,
                        const std::vector<Reservation>& previous, std::vector<Reservation>* out,
                        std::string* error) {
  std::sort(vms.begin(), vms.end(),
            [](const ReservationRequest& a, const ReservationRequest& b) { return a.vm < b.vm; });
  const std::uint32_t host_span = subnet.prefix >= 32 ? 1 : (1U << (32 - subnet.prefix));
  const std::uint32_t last = std::min<std::uint32_t>(kLastHost, host_span - 2);
  std::set<std::uint32_t> taken{GatewayOf(subnet)};
  std::vector<std::uint32_t> chosen(vms.size(), 0);
  // Pass 1: keep still-valid earlier reservations so running VMs keep their IPs.
  for (std::size_t i = 0; i < vms.size(); ++i) {
    for (const auto& prev : previous) {
      if (prev.vm != vms[i].vm || prev.mac != vms[i].mac) {
        continue;
      }
      auto ip = ParseIpv4(prev.ip);
      if (!ip || !subnet.Contains(*ip) || taken.count(*ip) != 0) {
        continue;
      }
      std::uint32_t host = *ip - subnet.addr;
      if (host < kFirstHost || host > last) {
        continue;
      }
      chosen[i] = *ip;
      taken.insert(*ip);
    }
  }
  // Pass 2: index in sorted order + 10, skipping collisions.
  for (std::size_t i = 0; i < vms.size(); ++i) {
    if (chosen[i] != 0) {
      continue;
    }
    std::uint32_t host = kFirstHost + static_cast<std::uint32_t>(i);
    while (host <= last && taken.count(subnet.addr + host) != 0) {
      ++host;
    }
    if (host > last) {
      *error = "no free address left for VM '" + vms[i].vm + "' in " + subnet.ToString();
      return false;
    }
    chosen[i] = subnet.addr + host;
    taken.insert(chosen[i]);
  }
  out->clear();
  for (std::size_t i = 0; i < vms.size(); ++i) {
    out->push_back(Reservation{vms[i].vm, vms[i].mac, Ipv4ToString(chosen[i]), vms[i].vm});
  }
  return true;
}

}  // namespace qc::naming
