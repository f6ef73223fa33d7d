#include <sys/random.h>
#include <time.h>

#include <algorithm>

#include "handlers/handlers.h"

namespace qc::netd {

// *what: the first address or route (of any type and table, except default
// routes) of another interface that overlaps `subnet`, or "".
static bool FindOverlap(Session& s, int bridge, const ipv4::Cidr& subnet, std::string* what,
                        Reply* r) {
  std::vector<AddrInfo> addrs;
  std::vector<AddrInfo> routes;
  std::vector<LinkInfo> links;
  std::string err;
  if (!Ipv4Addresses(s.rtnl, &addrs, &err) || !Ipv4Routes(s.rtnl, &routes, &err) ||
      !Links(s.rtnl, &links, &err)) {
    SetReply(r, INTERNAL, err);
    return false;
  }
  auto other = [&](const AddrInfo& x) {
    return x.ifindex != bridge && ipv4::Overlaps(x.cidr, subnet);
  };
  const auto a = std::find_if(addrs.begin(), addrs.end(), other);
  const auto rt = std::find_if(routes.begin(), routes.end(), other);
  what->clear();
  if (a != addrs.end()) {
    *what = "address " + ipv4::FormatCidr(a->cidr) + " on " + LinkName(links, a->ifindex);
  } else if (rt != routes.end()) {
    *what = "route " + ipv4::FormatCidr(ipv4::NetworkOf(rt->cidr)) +
            (rt->ifindex > 0 ? " via " + LinkName(links, rt->ifindex) : "") +
            (rt->route_kind.empty() ? "" : " (" + rt->route_kind + ")");
  }
  return true;
}

void HandleAddAddress(Session& s, const AddAddress& req, Reply* r) {
  std::vector<LinkInfo> links;
  std::vector<AddrInfo> present;
  std::string err;
  const LinkInfo* l = FindOwned(s, req.bridge(), false, &links, r);
  if (l == nullptr) {
    return;
  }
  const int bridge = l->ifindex;
  const std::optional<ipv4::Cidr> parsed = ipv4::ParseCidr(req.cidr());
  if (!parsed) {
    return SetReply(r, INVALID_ARGUMENT,
                    Quoted(req.cidr()) +
                        " is not an IPv4 CIDR like 172.16.3.1/24 (prefix 0..32, no leading zeros)");
  }
  const ipv4::Cidr c = *parsed;
  if (std::string why = ipv4::CheckGateway(c); !why.empty()) {
    return SetReply(r, INVALID_ARGUMENT, why);
  }
  const ipv4::Cidr subnet = ipv4::NetworkOf(c);
  const auto& pools = s.policy.pools;
  if (std::none_of(pools.begin(), pools.end(),
                   [&](const ipv4::Cidr& p) { return ipv4::Contains(p, subnet); })) {
    return SetReply(r, PERMISSION_DENIED,
                    "subnet " + ipv4::FormatCidr(subnet) + " is outside the allowed pools (" +
                        ipv4::FormatList(pools) + ")");
  }
  if (!Ipv4Addresses(s.rtnl, &present, &err, bridge)) {
    return SetReply(r, INTERNAL, err);
  }
  if (!present.empty() && present[0].cidr == c) {
    r->set_already_existed(true);
    return SetReply(r, OK, req.bridge() + " already has " + ipv4::FormatCidr(c));
  }
  if (!present.empty()) {
    return SetReply(
        r, CONFLICT,
        req.bridge() + " already has another address " + ipv4::FormatCidr(present[0].cidr));
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
      return SetReply(r, CONFLICT, "subnet " + ipv4::FormatCidr(subnet) + " overlaps " + what);
    }
    if (!ChangeAddress(s.rtnl, true, bridge, c, &err)) {
      return SetReply(r, INTERNAL, err);
    }
    const bool rechecked = FindOverlap(s, bridge, subnet, &what, r);
    if (rechecked && what.empty()) {
      return SetReply(r, OK, ipv4::FormatCidr(c) + " added to " + req.bridge());
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
  SetReply(r, CONFLICT,
           "subnet " + ipv4::FormatCidr(subnet) + " is contended (" + what + "); try again");
}

}  // namespace qc::netd
