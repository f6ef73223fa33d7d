#include "dnsmasq/launcher.h"
#include "handlers/handlers.h"
#include "names.h"
#include "nat/nat.h"
#include "ownership.h"

namespace qc::netd {

void HandleCreateBridge(Session& s, const CreateBridge& req, Reply* r) {
  const std::string& name = req.name();
  if (!IsValidBridgeName(name)) {
    SetReply(r, INVALID_ARGUMENT,
             "invalid bridge name '" + name + "': must match qc-[a-z0-9-]{1,12}");
    return;
  }
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  std::string err;
  bool exists = false;
  if (FindLink(links, name) == nullptr) {
    if (CountOwned(s, links, "bridge") >= s.quotas.max_bridges) {
      SetReply(r, QUOTA_EXCEEDED,
               "bridge quota reached (" + std::to_string(s.quotas.max_bridges) + ")");
      return;
    }
    if (!s.rtnl.AddBridge(name, OwnerAlias(s.caller.uid), &exists, &err) && !exists) {
      SetReply(r, INTERNAL, err);
      return;
    }
    if (!LoadLinks(s, &links, r)) {
      return;
    }
  } else {
    exists = true;
  }
  const LinkInfo* l = FindLink(links, name);
  if (l == nullptr) {
    SetReply(r, INTERNAL, "bridge " + name + " vanished while being created");
    return;
  }
  if (exists) {
    // Someone made it before us: only ours counts as success.
    if (l->kind != "bridge" || !IsOwned(s, *l)) {
      SetReply(r, CONFLICT,
               name + " already exists and is not a qemu-compose bridge of uid " +
                   std::to_string(s.caller.uid));
      return;
    }
    r->set_already_existed(true);
  }
  int ifindex = l->ifindex;
  if (!s.rtnl.Configure(ifindex, OwnerAlias(s.caller.uid), 0, &err)) {
    if (!exists) {
      s.rtnl.Delete(ifindex, &err);
    }
    SetReply(r, INTERNAL, err);
    return;
  }
  // Another helper of this user may have raced us past the quota: undo ours.
  if (!exists && LoadLinks(s, &links, r) && CountOwned(s, links, "bridge") > s.quotas.max_bridges) {
    s.rtnl.Delete(ifindex, &err);
    SetReply(r, QUOTA_EXCEEDED,
             "bridge quota reached (" + std::to_string(s.quotas.max_bridges) + ")");
    return;
  }
  SetReply(r, OK, exists ? "bridge " + name + " already exists" : "bridge " + name + " created");
}

void HandleDeleteBridge(Session& s, const DeleteBridge& req, Reply* r) {
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  if (IsValidBridgeName(req.name()) && FindLink(links, req.name()) == nullptr) {
    r->set_already_existed(true);
    SetReply(r, OK, "bridge " + req.name() + " does not exist");
    return;
  }
  const LinkInfo* l = OwnedBridge(s, links, req.name(), r);
  if (l == nullptr) {
    return;
  }
  std::string err;
  if (!NatDisable(req.name(), &err) || !LauncherStop(s.launcher_fd, req.name(), &err) ||
      !s.rtnl.Delete(l->ifindex, &err)) {
    SetReply(r, INTERNAL, err);
    return;
  }
  SetReply(r, OK, "bridge " + req.name() + " deleted");
}

}  // namespace qc::netd
