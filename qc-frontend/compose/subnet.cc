#include "compose/subnet.h"

#include "ipv4.h"

namespace qc::compose {

std::string CheckSubnet(std::string_view subnet) {
  if (subnet == "auto") {
    return "";
  }
  const std::optional<ipv4::Cidr> cidr = ipv4::ParseCidr(subnet);
  if (!cidr) {
    return "invalid subnet '" + std::string(subnet) +
           "': expected 'auto' or an IPv4 CIDR such as 172.20.0.0/24";
  }
  return ipv4::CheckSubnet(*cidr);
}

}  // namespace qc::compose
