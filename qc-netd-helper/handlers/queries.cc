// The two requests that only read: Hello (version, the caller's uid, pools and
// quotas) and ListOwned (the caller's links).
#include "dnsmasq/dnsmasq.h"
#include "handlers/handlers.h"
#include "nat/nat.h"
#include "seqpacket.h"

namespace qc::netd {

void HandleHello(Session& s, const Hello& req, Reply* r) {
  std::vector<LinkInfo> links;
  LauncherRequest count;
  count.set_count(true);
  if (req.version() != kProtocolVersion) {
    return SetReply(r, PROTOCOL_ERROR,
                    "protocol version " + std::to_string(req.version()) +
                        " not supported (helper speaks " + std::to_string(kProtocolVersion) + ")");
  }
  // The launcher's reply carries the number of dnsmasq (quota.used_dnsmasq).
  if (!LoadLinks(s, &links, r) || !CallLauncher(s.launcher_fd, count, r)) {
    return;
  }
  s.hello_done = true;
  HelloReply* h = r->mutable_hello();
  h->set_version(kProtocolVersion);
  h->set_uid(s.caller.uid);
  for (const ipv4::Cidr& p : s.policy.pools) {
    h->add_allowed_pools(ipv4::FormatCidr(p));
  }
  Quota* q = h->mutable_quota();
  q->set_max_bridges(s.quotas.max_bridges);
  q->set_max_taps(s.quotas.max_taps);
  q->set_max_dnsmasq(s.quotas.max_dnsmasq);
  q->set_used_bridges(CountOwned(s, links, "bridge"));
  q->set_used_taps(CountOwned(s, links, "tun"));
  SetReply(r, OK, "hello uid " + std::to_string(s.caller.uid));
}

void HandleListOwned(Session& s, const ListOwned& req, Reply* r) {
  std::vector<LinkInfo> links;
  std::vector<AddrInfo> addrs;
  std::string err;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  if (!Ipv4Addresses(s.rtnl, &addrs, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  OwnedLinks* out = r->mutable_owned();
  for (const LinkInfo& l : links) {
    if (!AliasOwnedBy(l.alias, s.caller.uid) || (l.kind != "bridge" && l.kind != "tun")) {
      continue;
    }
    OwnedLink* o = out->add_links();
    o->set_name(l.name);
    o->set_kind(l.kind == "bridge" ? "bridge" : "tap");
    o->set_master(l.master > 0 ? LinkName(links, l.master) : "");
    for (const AddrInfo& a : addrs) {
      if (a.ifindex == l.ifindex) {
        o->add_addresses(ipv4::FormatCidr(a.cidr));
      }
    }
    o->set_nat(l.kind == "bridge" && NatIsEnabled(l.name));
    o->set_up(l.up);
  }
  SetReply(r, OK, std::to_string(out->links_size()) + " owned links");
}

}  // namespace qc::netd
