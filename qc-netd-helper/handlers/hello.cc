#include "dnsmasq/launcher.h"
#include "handlers/handlers.h"
#include "seqpacket.h"

namespace qc::netd {

void HandleHello(Session& s, const Hello& req, Reply* r) {
  std::vector<LinkInfo> links;
  unsigned dnsmasq = 0;
  std::string err;
  if (req.version() != kProtocolVersion) {
    return SetReply(r, PROTOCOL_ERROR,
                    "protocol version " + std::to_string(req.version()) +
                        " not supported (helper speaks " + std::to_string(kProtocolVersion) + ")");
  }
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  if (!LauncherCount(s.launcher_fd, &dnsmasq, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  s.hello_done = true;
  HelloReply* h = r->mutable_hello();
  h->set_version(kProtocolVersion);
  h->set_uid(s.caller.uid);
  for (const Cidr& p : s.policy.pools) {
    h->add_allowed_pools(FormatCidr(p));
  }
  Quota* q = h->mutable_quota();
  q->set_max_bridges(s.quotas.max_bridges);
  q->set_max_taps(s.quotas.max_taps);
  q->set_max_dnsmasq(s.quotas.max_dnsmasq);
  q->set_used_bridges(CountOwned(s, links, "bridge"));
  q->set_used_taps(CountOwned(s, links, "tun"));
  q->set_used_dnsmasq(dnsmasq);
  SetReply(r, OK, "hello uid " + std::to_string(s.caller.uid));
}

}  // namespace qc::netd
