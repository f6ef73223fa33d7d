#include "reservations.h"

#include <algorithm>
#include <set>

namespace qc::naming {

bool AssignReservations(const ipv4::Cidr& subnet, std::vector<ReservationRequest> vms,
                        const std::vector<Reservation>& previous, std::vector<Reservation>* out,
                        std::string* error) {
  std::sort(vms.begin(), vms.end(),
            [](const ReservationRequest& a, const ReservationRequest& b) { return a.vm < b.vm; });
  const std::uint32_t first = ipv4::FirstDhcpAddress(subnet);
  const std::uint32_t last = ipv4::LastDhcpAddress(subnet);
  std::set<std::uint32_t> taken;
  std::vector<std::uint32_t> chosen(vms.size(), 0);
  // Pass 1: keep still-valid earlier reservations so running VMs keep their IPs.
  for (std::size_t i = 0; i < vms.size(); ++i) {
    for (const auto& prev : previous) {
      if (prev.vm != vms[i].vm || prev.mac != vms[i].mac) {
        continue;
      }
      const std::optional<std::uint32_t> ip = ipv4::ParseAddress(prev.ip);
      if (!ip || *ip < first || *ip > last || taken.count(*ip) != 0) {
        continue;
      }
      chosen[i] = *ip;
      taken.insert(*ip);
    }
  }
  // Pass 2: index in sorted order from the range's start, skipping collisions.
  for (std::size_t i = 0; i < vms.size(); ++i) {
    if (chosen[i] != 0) {
      continue;
    }
    std::uint32_t ip = first + static_cast<std::uint32_t>(i);
    while (ip <= last && taken.count(ip) != 0) {
      ++ip;
    }
    if (ip > last) {
      *error = "no free address left for VM '" + vms[i].vm + "' in " + ipv4::FormatCidr(subnet);
      return false;
    }
    chosen[i] = ip;
    taken.insert(ip);
  }
  out->clear();
  for (std::size_t i = 0; i < vms.size(); ++i) {
    out->push_back(Reservation{vms[i].vm, vms[i].mac, ipv4::FormatAddress(chosen[i]), vms[i].vm});
  }
  return true;
}

}  // namespace qc::naming
