#include "links.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include <cstring>

namespace qc::netd {
namespace {

bool NlFail(const char* what, int rc, std::string* err) {
  *err = std::string(what) + ": " + nl_geterror(rc);
  return false;
}

nl_addr* MakeAddr(const Cidr& c) {
  uint32_t be = htonl(c.addr);
  nl_addr* a = nl_addr_build(AF_INET, &be, sizeof(be));
  if (a != nullptr) {
    nl_addr_set_prefixlen(a, c.prefix);
  }
  return a;
}

bool ToCidr(nl_addr* a, Cidr* out) {
  if (a == nullptr || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4) {
    return false;
  }
  uint32_t be = 0;
  std::memcpy(&be, nl_addr_get_binary_addr(a), 4);
  out->addr = ntohl(be);
  out->prefix = static_cast<int>(nl_addr_get_prefixlen(a));
  return true;
}

}  // namespace

bool Rtnl::Connect(std::string* err) {
  sock_ = nl_socket_alloc();
  if (sock_ == nullptr) {
    *err = "nl_socket_alloc failed";
    return false;
  }
  int rc = nl_connect(sock_, NETLINK_ROUTE);
  if (rc < 0) {
    return NlFail("connect rtnetlink", rc, err);
  }
  return true;
}

Rtnl::~Rtnl() {
  if (sock_ != nullptr) {
    nl_socket_free(sock_);
  }
}

bool Rtnl::Links(std::vector<LinkInfo>* out, std::string* err) {
  nl_cache* cache = nullptr;
  int rc = rtnl_link_alloc_cache(sock_, AF_UNSPEC, &cache);
  if (rc < 0) {
    return NlFail("list links", rc, err);
  }
  out->clear();
  for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) {
    auto* l = reinterpret_cast<rtnl_link*>(o);
    LinkInfo info;
    const char* name = rtnl_link_get_name(l);
    const char* type = rtnl_link_get_type(l);
    const char* alias = rtnl_link_get_ifalias(l);
    info.name = name != nullptr ? name : "";
    info.ifindex = rtnl_link_get_ifindex(l);
    info.kind = type != nullptr ? type : "";
    info.alias = alias != nullptr ? alias : "";
    info.master = rtnl_link_get_master(l);
    info.up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
    out->push_back(info);
  }
  nl_cache_free(cache);
  return true;
}

bool Rtnl::Ipv4Addresses(std::vector<AddrInfo>* out, std::string* err) {
  nl_cache* cache = nullptr;
  int rc = rtnl_addr_alloc_cache(sock_, &cache);
  if (rc < 0) {
    return NlFail("list addresses", rc, err);
  }
  out->clear();
  for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    AddrInfo info;
    info.ifindex = rtnl_addr_get_ifindex(a);
    if (rtnl_addr_get_family(a) == AF_INET && ToCidr(rtnl_addr_get_local(a), &info.cidr)) {
      out->push_back(info);
    }
  }
  nl_cache_free(cache);
  return true;
}

bool Rtnl::Ipv4Routes(std::vector<AddrInfo>* out, std::string* err) {
  nl_cache* cache = nullptr;
  int rc = rtnl_route_alloc_cache(sock_, AF_INET, 0, &cache);
  if (rc < 0) {
    return NlFail("list routes", rc, err);
  }
  out->clear();
  for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    AddrInfo info;
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST) {
      continue;
    }
    if (!ToCidr(rtnl_route_get_dst(r), &info.cidr) || info.cidr.prefix == 0) {
      continue;
    }
    rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
    info.ifindex = nh != nullptr ? rtnl_route_nh_get_ifindex(nh) : 0;
    out->push_back(info);
  }
  nl_cache_free(cache);
  return true;
}

bool Rtnl::AddBridge(const std::string& name, const std::string& alias, bool* exists,
                     std::string* err) {
  *exists = false;
  rtnl_link* l = rtnl_link_bridge_alloc();
  if (l == nullptr) {
    *err = "out of memory";
    return false;
  }
  rtnl_link_set_name(l, name.c_str());
  rtnl_link_set_ifalias(l, alias.c_str());  // the kernel ignores it on create; Configure sets it
  int rc = rtnl_link_add(sock_, l, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(l);
  if (rc == -NLE_EXIST) {
    *exists = true;
  }
  if (rc < 0) {
    return NlFail("create bridge", rc, err);
  }
  return true;
}

bool Rtnl::Configure(int ifindex, const std::string& alias, int master_ifindex, std::string* err) {
  rtnl_link* orig = rtnl_link_alloc();
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link_set_ifindex(orig, ifindex);
  rtnl_link_set_ifalias(change, alias.c_str());
  if (master_ifindex > 0) {
    rtnl_link_set_master(change, master_ifindex);
  }
  rtnl_link_set_flags(change, IFF_UP);
  int rc = rtnl_link_change(sock_, orig, change, 0);
  rtnl_link_put(orig);
  rtnl_link_put(change);
  if (rc < 0) {
    return NlFail("configure link", rc, err);
  }
  return true;
}

bool Rtnl::Delete(int ifindex, std::string* err) {
  rtnl_link* l = rtnl_link_alloc();
  rtnl_link_set_ifindex(l, ifindex);
  int rc = rtnl_link_delete(sock_, l);
  rtnl_link_put(l);
  if (rc < 0) {
    return NlFail("delete link", rc, err);
  }
  return true;
}

bool Rtnl::AddAddress(int ifindex, const Cidr& c, std::string* err) {
  rtnl_addr* a = rtnl_addr_alloc();
  nl_addr* local = MakeAddr(c);
  rtnl_addr_set_ifindex(a, ifindex);
  rtnl_addr_set_family(a, AF_INET);
  rtnl_addr_set_local(a, local);
  rtnl_addr_set_prefixlen(a, c.prefix);
  Cidr bcast = c;
  bcast.addr = NetworkOf(c) | ~PrefixMask(c.prefix);
  bcast.prefix = 32;
  nl_addr* b = MakeAddr(bcast);
  rtnl_addr_set_broadcast(a, b);
  int rc = rtnl_addr_add(sock_, a, NLM_F_EXCL);
  nl_addr_put(local);
  nl_addr_put(b);
  rtnl_addr_put(a);
  if (rc < 0) {
    return NlFail("add address", rc, err);
  }
  return true;
}

bool Rtnl::DeleteAddress(int ifindex, const Cidr& c, std::string* err) {
  rtnl_addr* a = rtnl_addr_alloc();
  nl_addr* local = MakeAddr(c);
  rtnl_addr_set_ifindex(a, ifindex);
  rtnl_addr_set_family(a, AF_INET);
  rtnl_addr_set_local(a, local);
  rtnl_addr_set_prefixlen(a, c.prefix);
  int rc = rtnl_addr_delete(sock_, a, 0);
  nl_addr_put(local);
  rtnl_addr_put(a);
  if (rc < 0) {
    return NlFail("delete address", rc, err);
  }
  return true;
}

const LinkInfo* FindLink(const std::vector<LinkInfo>& links, const std::string& name) {
  for (const LinkInfo& l : links) {
    if (l.name == name) {
      return &l;
    }
  }
  return nullptr;
}

const LinkInfo* FindLink(const std::vector<LinkInfo>& links, int ifindex) {
  for (const LinkInfo& l : links) {
    if (l.ifindex == ifindex) {
      return &l;
    }
  }
  return nullptr;
}

}  // namespace qc::netd
