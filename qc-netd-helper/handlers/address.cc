#include <sys/random.h>
#include <time.h>

#include <algorithm>

#include "handlers/handlers.h"

namespace qc::netd {

// *what: the first address or route of another interface (not the default
// route) that overlaps `subnet`, or "".
static bool FindOverlap(Session& s, int bridge, const Cidr& subnet, std::string* what, Reply* r) {
  std::vector<AddrInfo> addrs;
  std::vector<AddrInfo> routes;
  std::vector<LinkInfo> links;
  std::string err;
  if (!Ipv4Addresses(s.rtnl, &addrs, &err) || !Ipv4Routes(s.rtnl, &routes, &err) ||
      !Links(s.rtnl, &links, &err)) {
    SetReply(r, INTERNAL, err);
    return false;
  }
  auto other = [&](const AddrInfo& x) { return x.ifindex != bridge && Overlaps(x.cidr, subnet); };
  const auto a = std::find_if(addrs.begin(), addrs.end(), other);
  const auto rt = std::find_if(routes.begin(), routes.end(), other);
  what->clear();
  if (a != addrs.end()) {
    *what = "address " + FormatCidr(a->cidr) + " on " + LinkName(links, a->ifindex);
  } else if (rt != routes.end()) {
    *what = "route " + FormatCidr({NetworkOf(rt->cidr), rt->cidr.prefix}) +
            (rt->ifindex > 0 ? " via " + LinkName(links, rt->ifindex) : "");
  }
  return true;
}

void HandleAddAddress(Session& s, const AddAddress& req, Reply* r) {
  std::vector<LinkInfo> links;
  std::vector<AddrInfo> present;
  std::string err;
  Cidr c;
  const LinkInfo* l = FindOwned(s, req.bridge(), false, &links, r);
  if (l == nullptr) {
    return;
  }
  const int bridge = l->ifindex;
  if (!ParseCidr(req.cidr(), &c, &err) || !CheckGatewayCidr(c, &err)) {
    return SetReply(r, INVALID_ARGUMENT, err);
  }
  const Cidr subnet{NetworkOf(c), c.prefix};
  bool in_pool = false;
  std::string pools;
  for (const Cidr& p : s.policy.pools) {
    in_pool = in_pool || Contains(p, subnet);
    pools += (pools.empty() ? "" : ", ") + FormatCidr(p);
  }
  if (!in_pool) {
    return SetReply(
        r, PERMISSION_DENIED,
        "subnet " + FormatCidr(subnet) + " is outside the allowed pools (" + pools + ")");
  }
  if (!Ipv4Addresses(s.rtnl, &present, &err, bridge)) {
    return SetReply(r, INTERNAL, err);
  }
  if (!present.empty() && present[0].cidr == c) {
    r->set_already_existed(true);
    return SetReply(r, OK, req.bridge() + " already has " + FormatCidr(c));
  }
  if (!present.empty()) {
    return SetReply(r, CONFLICT,
                    req.bridge() + " already has another address " + FormatCidr(present[0].cidr));
  }
  // Any lock a user can see can be squatted, so: refuse if something overlaps,
  // add, re-check; if another interface now overlaps, one of two racers must
  // back off. The later add always sees the earlier one, so at most one wins.
  std::string what;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (!FindOverlap(s, bridge, subnet, &what, r)) {
      return;
    }
    if (!what.empty()) {
      return SetReply(r, CONFLICT, "subnet " + FormatCidr(subnet) + " overlaps " + what);
    }
    if (!ChangeAddress(s.rtnl, true, bridge, c, &err)) {
      return SetReply(r, INTERNAL, err);
    }
    const bool rechecked = FindOverlap(s, bridge, subnet, &what, r);
    if (rechecked && what.empty()) {
      return SetReply(r, OK, FormatCidr(c) + " added to " + req.bridge());
    }
    // Lost the race (or could not re-check): remove ours again.
    if (!ChangeAddress(s.rtnl, false, bridge, c, &err)) {
      return SetReply(r, INTERNAL, err);
    }
    if (!rechecked) {
      return;
    }
    unsigned char b = 7;
    (void)getrandom(&b, 1, 0);
    const timespec backoff{0, (1 + b % 20) * 1000000L};  // 1-20 ms
    nanosleep(&backoff, nullptr);
  }
  SetReply(r, CONFLICT, "subnet " + FormatCidr(subnet) + " is contended (" + what + "); try again");
}

}  // namespace qc::netd
