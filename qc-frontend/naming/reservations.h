// Fixed DHCP reservations (MAC -> IP, hostname) of a bridge network.
#pragma once

#include <string>
#include <vector>

#include "ipv4.h"

namespace qc::naming {

struct Reservation {
  std::string vm;
  std::string mac;
  std::string ip;
  std::string hostname;
  bool operator==(const Reservation&) const = default;
};

struct ReservationRequest {
  std::string vm;
  std::string mac;
};

// One reservation per requested VM, in VM-name order, inside the subnet's
// DHCP range (ipv4::FirstDhcpAddress..LastDhcpAddress). A VM keeps a previous
// reservation (same vm and mac, still inside the range); the others get the
// range's first address + their index in sorted order, moved upward past any
// address already taken. false + error when the range is full.
bool AssignReservations(const ipv4::Cidr& subnet, std::vector<ReservationRequest> vms,
                        const std::vector<Reservation>& previous, std::vector<Reservation>* out,
                        std::string* error);

}  // namespace qc::naming
