// Reads the host's IPv4 addresses and routes with libnl-route.
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include <arpa/inet.h>

#include <cstring>

#include "host_networks.h"

namespace qc::naming {
namespace {

void AddPrefix(nl_addr* a, std::vector<ipv4::Cidr>* out) {
  if (a == nullptr || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4) {
    return;
  }
  std::uint32_t be = 0;
  std::memcpy(&be, nl_addr_get_binary_addr(a), 4);
  out->push_back(ipv4::NetworkOf({ntohl(be), static_cast<int>(nl_addr_get_prefixlen(a))}));
}

}  // namespace

bool ReadHostNetworks(std::vector<ipv4::Cidr>* out, std::string* error) {
  nl_sock* sock = nl_socket_alloc();
  if (sock == nullptr || nl_connect(sock, NETLINK_ROUTE) < 0) {
    if (sock != nullptr) {
      nl_socket_free(sock);
    }
    *error = "cannot open a netlink socket to read host routes";
    return false;
  }
  nl_cache* addrs = nullptr;
  nl_cache* routes = nullptr;
  bool ok = rtnl_addr_alloc_cache(sock, &addrs) == 0 &&
            rtnl_route_alloc_cache(sock, AF_INET, 0, &routes) == 0;
  if (!ok) {
    *error = "cannot read host addresses and routes over netlink";
  } else {
    for (nl_object* o = nl_cache_get_first(addrs); o != nullptr; o = nl_cache_get_next(o)) {
      AddPrefix(rtnl_addr_get_local(reinterpret_cast<rtnl_addr*>(o)), out);
    }
    for (nl_object* o = nl_cache_get_first(routes); o != nullptr; o = nl_cache_get_next(o)) {
      AddPrefix(rtnl_route_get_dst(reinterpret_cast<rtnl_route*>(o)), out);
    }
  }
  if (addrs != nullptr) {
    nl_cache_free(addrs);
  }
  if (routes != nullptr) {
    nl_cache_free(routes);
  }
  nl_socket_free(sock);
  return ok;
}

}  // namespace qc::naming
