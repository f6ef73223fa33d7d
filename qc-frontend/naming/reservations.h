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

// First and last host numbers of the DHCP range (.10 - .250).
inline constexpr std::uint32_t kFirstHost = 10;
inline constexpr std::uint32_t kLastHost = 250;

// One reservation per requested VM, in VM-name order. A VM keeps a previous
// reservation (same vm and mac, still inside subnet); the others get host
// number 10 + their index in sorted order, moved upward past any address
// already taken. false + error when the range is full.
bool AssignReservations(const Ipv4Net& subnet, std::vector<ReservationRequest> vms,
                        const std::vector<Reservation>& previous, std::vector<Reservation>* out,
                        std::string* error);

// Gateway (bridge address) of a subnet: its first host.
std::uint32_t GatewayOf(const Ipv4Net& subnet);

}  // namespace qc::naming
