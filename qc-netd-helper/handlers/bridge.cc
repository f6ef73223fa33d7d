// CreateBridge, and DeleteBridge/DeleteTap: absent is fine (idempotent), and
// only a link of that kind carrying the caller's alias is ever deleted.
#include "dnsmasq/dnsmasq.h"
#include "handlers/handlers.h"
#include "nat/nat.h"

namespace qc::netd {

// Link `name` exists already: fine if it is the caller's bridge (CreateBridge
// is idempotent), whose setup is then asserted again.
static void ReuseBridge(Session& s, const std::string& name, Reply* r) {
  std::vector<LinkInfo> links;
  std::string err;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  const LinkInfo* l = FindLink(links, name);
  if (l == nullptr || l->kind != "bridge" || !AliasOwnedBy(l->alias, s.caller.uid)) {
    return SetReply(r, CONFLICT,
                    name + " already exists and is not a qemu-compose bridge of uid " +
                        std::to_string(s.caller.uid));
  }
  if (!IgnoreGuestConfiguration(name, true, &err) ||
      !ConfigureLink(s.rtnl, l->ifindex, OwnerAlias(s.caller.uid), 0, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  r->set_already_existed(true);
  SetReply(r, OK, "bridge " + name + " already exists");
}

// The bridge this request has just created (still down, no alias): hardened,
// marked as the caller's and up, and removed again if any of that fails or if
// a racing helper of the same user took the last place in the quota.
static void FinishNewBridge(Session& s, const std::string& name, Reply* r) {
  std::vector<LinkInfo> links;
  std::string err;
  const LinkInfo* l = LoadLinks(s, &links, r) ? FindLink(links, name) : nullptr;
  if (l == nullptr) {
    return SetReply(r, INTERNAL, "bridge " + name + " vanished while being created");
  }
  const int ifindex = l->ifindex;
  if (!IgnoreGuestConfiguration(name, true, &err) ||
      !ConfigureLink(s.rtnl, ifindex, OwnerAlias(s.caller.uid), 0, &err)) {
    SetReply(r, INTERNAL, err);
  } else if (LoadLinks(s, &links, r) && CheckQuota(s, links, false, 0, r)) {
    return SetReply(r, OK, "bridge " + name + " created");
  }
  DeleteLink(s.rtnl, ifindex, &err);  // the reply already says why
}

void HandleCreateBridge(Session& s, const CreateBridge& req, Reply* r) {
  const std::string& name = req.name();
  std::vector<LinkInfo> links;
  std::string err;
  if (!CheckName(name, false, r) || !LoadLinks(s, &links, r)) {
    return;
  }
  if (FindLink(links, name) != nullptr) {
    return ReuseBridge(s, name, r);
  }
  if (!CheckQuota(s, links, false, 1, r)) {
    return;
  }
  bool taken = false;  // by another helper since we looked
  if (!AddBridge(s.rtnl, name, &taken, &err)) {
    return taken ? ReuseBridge(s, name, r) : SetReply(r, INTERNAL, err);
  }
  FinishNewBridge(s, name, r);
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
