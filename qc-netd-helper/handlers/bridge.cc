// CreateBridge, and DeleteBridge/DeleteTap: absent is fine (idempotent), and
// only a link of that kind carrying the caller's alias is ever deleted.
#include "dnsmasq/dnsmasq.h"
#include "handlers/handlers.h"
#include "nat/nat.h"

namespace qc::netd {

void HandleCreateBridge(Session& s, const CreateBridge& req, Reply* r) {
  const std::string& name = req.name();
  std::vector<LinkInfo> links;
  std::string err;
  if (!CheckName(name, false, r) || !LoadLinks(s, &links, r)) {
    return;
  }
  bool existed = FindLink(links, name) != nullptr;
  if (!existed) {
    if (!CheckQuota(s, links, false, 1, r)) {
      return;
    }
    if (!AddBridge(s.rtnl, name, &existed, &err) && !existed) {
      return SetReply(r, INTERNAL, err);
    }
    if (!LoadLinks(s, &links, r)) {
      return;
    }
  }
  const LinkInfo* l = FindLink(links, name);
  if (l == nullptr) {
    return SetReply(r, INTERNAL, "bridge " + name + " vanished while being created");
  }
  // Someone made it before us: only the caller's own bridge counts as success.
  if (existed && (l->kind != "bridge" || !AliasOwnedBy(l->alias, s.caller.uid))) {
    return SetReply(r, CONFLICT,
                    name + " already exists and is not a qemu-compose bridge of uid " +
                        std::to_string(s.caller.uid));
  }
  // Alias and up; a new bridge over the quota (a racing helper of this user)
  // is removed again.
  const int ifindex = l->ifindex;
  if (!ConfigureLink(s.rtnl, ifindex, OwnerAlias(s.caller.uid), 0, &err)) {
    SetReply(r, INTERNAL, err);
  } else if (existed || (LoadLinks(s, &links, r) && CheckQuota(s, links, false, 0, r))) {
    r->set_already_existed(existed);
    return SetReply(r, OK, "bridge " + name + (existed ? " already exists" : " created"));
  }
  if (!existed) {
    DeleteLink(s.rtnl, ifindex, &err);  // the reply already says why
  }
}

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
  LauncherRequest stop;
  stop.set_stop(name);
  if (!tap && !NatDisable(name, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  if (!tap && !CallLauncher(s.launcher_fd, stop, r)) {
    return;
  }
  if (!DeleteLink(s.rtnl, l->ifindex, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  SetReply(r, OK, name + " deleted");
}

}  // namespace qc::netd
