#include "handlers/handlers.h"

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

}  // namespace qc::netd
