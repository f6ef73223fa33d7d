// DeleteBridge and DeleteTap: absent is fine (idempotent), and only a link of
// that kind carrying the caller's alias is ever deleted.
#include "dnsmasq/launcher.h"
#include "handlers/handlers.h"
#include "nat/nat.h"

namespace qc::netd {

void HandleDelete(Session& s, const std::string& name, bool tap, Reply* r) {
  std::vector<LinkInfo> links;
  std::string err;
  const LinkInfo* l = FindOwned(s, name, tap, &links, r);
  if (r->status() == NOT_FOUND) {
    r->set_already_existed(true);
    return SetReply(r, OK, r->message());
  }
  if (l == nullptr) {
    return;
  }
  // A bridge takes its NAT rules and its dnsmasq with it.
  if ((!tap && (!NatDisable(name, &err) || !LauncherStop(s.launcher_fd, name, &err))) ||
      !DeleteLink(s.rtnl, l->ifindex, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  SetReply(r, OK, name + " deleted");
}

}  // namespace qc::netd
