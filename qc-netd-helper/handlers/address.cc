#include <sys/random.h>
#include <time.h>

#include "handlers/handlers.h"

namespace qc::netd {
namespace {

// Describes the first address or route of another interface that overlaps
// `subnet`; empty if none. The bridge's own addresses and routes are ignored.
bool FindOverlap(Session& s, int bridge, const Cidr& subnet, std::string* what, std::string* err) {
  std::vector<AddrInfo> addrs;
  std::vector<AddrInfo> routes;
  std::vector<LinkInfo> links;
  if (!s.rtnl.Ipv4Addresses(&addrs, err) || !s.rtnl.Ipv4Routes(&routes, err) ||
      !s.rtnl.Links(&links, err)) {
    return false;
  }
  what->clear();
  auto name = [&](int ifindex) {
    const LinkInfo* l = FindLink(links, ifindex);
    return l != nullptr ? l->name : "ifindex " + std::to_string(ifindex);
  };
  for (const AddrInfo& a : addrs) {
    if (a.ifindex != bridge && Overlaps(a.cidr, subnet)) {
      *what = "address " + FormatCidr(a.cidr) + " on " + name(a.ifindex);
      return true;
    }
  }
  for (const AddrInfo& rt : routes) {
    if (rt.ifindex != bridge && Overlaps(rt.cidr, subnet)) {
      Cidr net{NetworkOf(rt.cidr), rt.cidr.prefix};
      *what = "route " + FormatCidr(net) + (rt.ifindex > 0 ? " via " + name(rt.ifindex) : "");
      return true;
    }
  }
  return true;
}

void RandomBackoff() {
  unsigned char b = 0;
  if (getrandom(&b, 1, 0) != 1) {
    b = 7;
  }
  timespec ts{0, (1 + b % 20) * 1000000L};
  nanosleep(&ts, nullptr);
}

}  // namespace

void HandleAddAddress(Session& s, const AddAddress& req, Reply* r) {
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  const LinkInfo* l = OwnedBridge(s, links, req.bridge(), r);
  if (l == nullptr) {
    return;
  }
  int bridge = l->ifindex;
  Cidr c;
  std::string err;
  if (!ParseCidr(req.cidr(), &c, &err) || !CheckGatewayCidr(c, &err)) {
    SetReply(r, INVALID_ARGUMENT, err);
    return;
  }
  Cidr subnet{NetworkOf(c), c.prefix};
  bool in_pool = false;
  std::string pools;
  for (const Cidr& p : s.policy.pools) {
    in_pool = in_pool || Contains(p, subnet);
    pools += (pools.empty() ? "" : ", ") + FormatCidr(p);
  }
  if (!in_pool) {
    SetReply(r, PERMISSION_DENIED,
             "subnet " + FormatCidr(subnet) + " is outside the allowed pools (" + pools + ")");
    return;
  }
  std::vector<AddrInfo> addrs;
  if (!s.rtnl.Ipv4Addresses(&addrs, &err)) {
    SetReply(r, INTERNAL, err);
    return;
  }
  for (const AddrInfo& a : addrs) {
    if (a.ifindex != bridge) {
      continue;
    }
    if (a.cidr.addr == c.addr && a.cidr.prefix == c.prefix) {
      r->set_already_existed(true);
      SetReply(r, OK, req.bridge() + " already has " + FormatCidr(c));
      return;
    }
    SetReply(r, CONFLICT, req.bridge() + " already has another address " + FormatCidr(a.cidr));
    return;
  }
  // Any lock a user can see can be squatted, so: refuse if something overlaps,
  // add, re-check; if another interface now overlaps, one of two racers must
  // back off. The later add always sees the earlier one, so at most one wins.
  std::string what;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (!FindOverlap(s, bridge, subnet, &what, &err)) {
      SetReply(r, INTERNAL, err);
      return;
    }
    if (!what.empty()) {
      SetReply(r, CONFLICT, "subnet " + FormatCidr(subnet) + " overlaps " + what);
      return;
    }
    if (!s.rtnl.AddAddress(bridge, c, &err)) {
      SetReply(r, INTERNAL, err);
      return;
    }
    if (!FindOverlap(s, bridge, subnet, &what, &err)) {
      std::string ignored;
      s.rtnl.DeleteAddress(bridge, c, &ignored);
      SetReply(r, INTERNAL, err);
      return;
    }
    if (what.empty()) {
      SetReply(r, OK, FormatCidr(c) + " added to " + req.bridge());
      return;
    }
    if (!s.rtnl.DeleteAddress(bridge, c, &err)) {
      SetReply(r, INTERNAL, err);
      return;
    }
    RandomBackoff();
  }
  SetReply(r, CONFLICT, "subnet " + FormatCidr(subnet) + " is contended (" + what + "); try again");
}

}  // namespace qc::netd
