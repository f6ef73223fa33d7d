#include "links.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/route.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace qc::netd {

static bool Done(const char* what, int rc, std::string* err) {
  if (rc < 0) {
    *err = std::string(what) + ": " + nl_geterror(rc);
  }
  return rc >= 0;
}

// Calls fn for every object of the cache that an rtnl_*_alloc_cache call
// returning rc filled, then frees it.
template <typename T, typename Fn>
static bool ForEach(const char* what, int rc, nl_cache** cache, std::string* err, Fn fn) {
  if (!Done(what, rc, err)) {
    return false;
  }
  for (nl_object* o = nl_cache_get_first(*cache); o != nullptr; o = nl_cache_get_next(o)) {
    fn(reinterpret_cast<T*>(o));
  }
  nl_cache_free(*cache);
  return true;
}

static std::string Str(const char* s) {
  return s != nullptr ? s : "";
}

static bool ToCidr(nl_addr* a, ipv4::Cidr* out) {
  if (a == nullptr || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4) {
    return false;
  }
  std::uint32_t be = 0;
  std::memcpy(&be, nl_addr_get_binary_addr(a), 4);
  *out = ipv4::Cidr{ntohl(be), static_cast<int>(nl_addr_get_prefixlen(a))};
  return true;
}

nl_sock* ConnectRtnl(std::string* err) {
  nl_sock* sock = nl_socket_alloc();
  const int rc = sock == nullptr ? -NLE_NOMEM : nl_connect(sock, NETLINK_ROUTE);
  return Done("connect rtnetlink", rc, err) ? sock : nullptr;
}

bool Links(nl_sock* rtnl, std::vector<LinkInfo>* out, std::string* err) {
  nl_cache* cache = nullptr;
  out->clear();
  return ForEach<rtnl_link>(
      "list links", rtnl_link_alloc_cache(rtnl, AF_UNSPEC, &cache), &cache, err, [&](rtnl_link* l) {
        out->push_back({Str(rtnl_link_get_name(l)), rtnl_link_get_ifindex(l),
                        Str(rtnl_link_get_type(l)), Str(rtnl_link_get_ifalias(l)),
                        rtnl_link_get_master(l), (rtnl_link_get_flags(l) & IFF_UP) != 0});
      });
}

bool Ipv4Addresses(nl_sock* rtnl, std::vector<AddrInfo>* out, std::string* err, int ifindex) {
  nl_cache* cache = nullptr;
  out->clear();
  return ForEach<rtnl_addr>("list addresses", rtnl_addr_alloc_cache(rtnl, &cache), &cache, err,
                            [&](rtnl_addr* a) {
                              AddrInfo info{rtnl_addr_get_ifindex(a), {}, ""};
                              if ((ifindex == 0 || info.ifindex == ifindex) &&
                                  ToCidr(rtnl_addr_get_local(a), &info.cidr)) {
                                out->push_back(info);
                              }
                            });
}

// "" for a unicast route of the main table, else its type and table.
static std::string RouteKind(rtnl_route* r) {
  char type[32];
  const unsigned table = rtnl_route_get_table(r);
  std::string kind = rtnl_route_get_type(r) == RTN_UNICAST
                         ? ""
                         : nl_rtntype2str(rtnl_route_get_type(r), type, sizeof type);
  if (table != RT_TABLE_MAIN) {
    kind += (kind.empty() ? "table " : ", table ") +
            (table == RT_TABLE_LOCAL ? "local" : std::to_string(table));
  }
  return kind;
}

bool Ipv4Routes(nl_sock* rtnl, std::vector<AddrInfo>* out, std::string* err) {
  nl_cache* cache = nullptr;
  out->clear();
  return ForEach<rtnl_route>(
      "list routes", rtnl_route_alloc_cache(rtnl, AF_INET, 0, &cache), &cache, err,
      [&](rtnl_route* r) {
        rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
        AddrInfo info{nh != nullptr ? rtnl_route_nh_get_ifindex(nh) : 0, {}, RouteKind(r)};
        if (ToCidr(rtnl_route_get_dst(r), &info.cidr) && info.cidr.prefix > 0) {
          out->push_back(info);
        }
      });
}

bool AddBridge(nl_sock* rtnl, const std::string& name, bool* exists, std::string* err) {
  rtnl_link* l = rtnl_link_bridge_alloc();
  rtnl_link_set_name(l, name.c_str());
  const int rc = rtnl_link_add(rtnl, l, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(l);
  *exists = rc == -NLE_EXIST;
  return Done("create bridge", rc, err);
}

bool ConfigureLink(nl_sock* rtnl, int ifindex, const std::string& alias, int master_ifindex,
                   std::string* err) {
  rtnl_link* orig = rtnl_link_alloc();
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link_set_ifindex(orig, ifindex);
  rtnl_link_set_ifalias(change, alias.c_str());
  if (master_ifindex > 0) {
    rtnl_link_set_master(change, master_ifindex);
  }
  rtnl_link_set_flags(change, IFF_UP);
  const int rc = rtnl_link_change(rtnl, orig, change, 0);
  rtnl_link_put(orig);
  rtnl_link_put(change);
  return Done("configure link", rc, err);
}

bool DeleteLink(nl_sock* rtnl, int ifindex, std::string* err) {
  rtnl_link* l = rtnl_link_alloc();
  rtnl_link_set_ifindex(l, ifindex);
  const int rc = rtnl_link_delete(rtnl, l);
  rtnl_link_put(l);
  return Done("delete link", rc, err);
}

bool WriteSysctl(const std::string& path, const char* value, bool optional, std::string* err) {
  const int fd = open(("/proc/sys/net/" + path).c_str(), O_WRONLY | O_CLOEXEC);
  const ssize_t len = static_cast<ssize_t>(std::strlen(value));
  const bool ok = fd >= 0 && write(fd, value, len) == len;
  const int e = errno;
  if (fd >= 0) {
    close(fd);
  }
  if (!ok && !(optional && fd < 0 && e == ENOENT)) {
    *err = "cannot set net." + path + ": " + std::strerror(e);
    return false;
  }
  return true;
}

bool IgnoreGuestConfiguration(const std::string& name, bool bridge, std::string* err) {
  return WriteSysctl("ipv6/conf/" + name + "/disable_ipv6", "1", true, err) &&
         (!bridge || WriteSysctl("ipv4/conf/" + name + "/accept_redirects", "0", false, err));
}

bool ChangeAddress(nl_sock* rtnl, bool add, int ifindex, const ipv4::Cidr& c, std::string* err) {
  rtnl_addr* a = rtnl_addr_alloc();
  nl_addr* local = nullptr;  // gives the family and prefix length too
  nl_addr* broadcast = nullptr;
  nl_addr_parse(ipv4::FormatCidr(c).c_str(), AF_INET, &local);
  nl_addr_parse(ipv4::FormatAddress(ipv4::BroadcastOf(c)).c_str(), AF_INET, &broadcast);
  rtnl_addr_set_ifindex(a, ifindex);
  rtnl_addr_set_local(a, local);
  rtnl_addr_set_broadcast(a, broadcast);
  const int rc = add ? rtnl_addr_add(rtnl, a, NLM_F_EXCL) : rtnl_addr_delete(rtnl, a, 0);
  nl_addr_put(local);
  nl_addr_put(broadcast);
  rtnl_addr_put(a);
  return Done(add ? "add address" : "delete address", rc, err);
}

const LinkInfo* FindLink(const std::vector<LinkInfo>& links, const std::string& name) {
  auto it =
      std::find_if(links.begin(), links.end(), [&](const LinkInfo& l) { return l.name == name; });
  return it != links.end() ? &*it : nullptr;
}

std::string LinkName(const std::vector<LinkInfo>& links, int ifindex) {
  auto it = std::find_if(links.begin(), links.end(),
                         [&](const LinkInfo& l) { return l.ifindex == ifindex; });
  return it != links.end() ? it->name : "ifindex " + std::to_string(ifindex);
}

}  // namespace qc::netd
