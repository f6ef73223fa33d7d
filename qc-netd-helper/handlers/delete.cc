// DeleteBridge and DeleteTap: absent is fine (idempotent), and only a link of
// that kind carrying the caller's alias is ever deleted.
#include "dnsmasq/launcher.h"
#include "handlers/handlers.h"
#include "nat/nat.h"

namespace qc::netd {
namespace {

void DeleteOwned(Session& s, const std::string& name, bool tap, Reply* r) {
  const char* what = tap ? "TAP " : "bridge ";
  std::vector<LinkInfo> links;
  std::string err;
  if (!CheckName(name, tap, r) || !LoadLinks(s, &links, r)) {
    return;
  }
  const LinkInfo* l = FindLink(links, name);
  if (l == nullptr) {
    r->set_already_existed(true);
    return SetReply(r, OK, what + name + " does not exist");
  }
  if (l->kind != (tap ? "tun" : "bridge") || !IsOwned(s, *l)) {
    return SetReply(r, PERMISSION_DENIED,
                    name + " is not a " + what + "created by qemu-compose for uid " +
                        std::to_string(s.caller.uid));
  }
  // A bridge takes its NAT rules and its dnsmasq with it.
  if ((!tap && (!NatDisable(name, &err) || !LauncherStop(s.launcher_fd, name, &err))) ||
      !s.rtnl.Delete(l->ifindex, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  SetReply(r, OK, what + name + " deleted");
}

}  // namespace

void HandleDeleteBridge(Session& s, const DeleteBridge& req, Reply* r) {
  DeleteOwned(s, req.name(), false, r);
}

void HandleDeleteTap(Session& s, const DeleteTap& req, Reply* r) {
  DeleteOwned(s, req.name(), true, r);
}

}  // namespace qc::netd
