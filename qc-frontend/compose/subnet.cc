#include "compose/subnet.h"

#include <arpa/inet.h>

#include <cstdint>

#include "compose/vm_fields.h"

namespace qc::compose {

std::string CheckSubnet(std::string_view subnet) {
  if (subnet == "auto") {
    return "";
  }
  const std::string text(subnet);
  std::string bad =
      "invalid subnet '" + text + "': expected 'auto' or an IPv4 CIDR such as 172.20.0.0/24";
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) {
    return bad;
  }
  in_addr addr{};
  if (inet_pton(AF_INET, text.substr(0, slash).c_str(), &addr) != 1) {
    return bad;
  }
  const std::optional<unsigned> prefix = ParseDecimal(text.substr(slash + 1), 32);
  if (!prefix) {
    return bad;
  }
  const std::uint32_t host = ntohl(addr.s_addr);
  const std::uint32_t mask = *prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - *prefix);
  if ((host & ~mask) != 0) {
    in_addr network{};
    network.s_addr = htonl(host & mask);
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &network, buf, sizeof buf);
    return "subnet '" + text + "' is not a network address; did you mean '" + buf + "/" +
           std::to_string(*prefix) + "'?";
  }
  if (*prefix > 24) {
    return "subnet too small for DHCP range .10-.250: need /24 or larger (got /" +
           std::to_string(*prefix) + ")";
  }
  return "";
}

}  // namespace qc::compose
