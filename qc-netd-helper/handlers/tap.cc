#include "tap.h"

#include "handlers/handlers.h"
#include "names.h"
#include "ownership.h"
#include "seqpacket.h"

namespace qc::netd {

void HandleCreateTap(Session& s, const CreateTap& req, Reply* r, std::vector<int>* fds) {
  const std::string& name = req.name();
  if (!IsValidTapName(name)) {
    SetReply(r, INVALID_ARGUMENT,
             "invalid TAP name '" + name + "': must match tap-[a-z0-9-]{1,11}");
    return;
  }
  unsigned queues = req.queues() == 0 ? 1 : req.queues();
  if (queues > kMaxFdsPerMessage) {
    SetReply(r, INVALID_ARGUMENT, "at most " + std::to_string(kMaxFdsPerMessage) + " queues");
    return;
  }
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  const LinkInfo* bridge = OwnedBridge(s, links, req.bridge(), r);
  if (bridge == nullptr) {
    return;
  }
  int bridge_ifindex = bridge->ifindex;
  const LinkInfo* existing = FindLink(links, name);
  if (existing != nullptr) {
    SetReply(r, CONFLICT,
             name + (IsOwned(s, *existing)
                         ? " already exists and is in use (a TAP lives while its fd is open)"
                         : " already exists and is not yours"));
    return;
  }
  if (CountOwned(s, links, "tun") >= s.quotas.max_taps) {
    SetReply(r, QUOTA_EXCEEDED, "TAP quota reached (" + std::to_string(s.quotas.max_taps) + ")");
    return;
  }
  std::string err;
  if (!OpenTap(name, queues, s.caller.uid, s.gid, fds, &err)) {
    SetReply(r, CONFLICT, err);
    return;
  }
  // From here on, closing the fds removes the TAP again.
  const LinkInfo* tap = nullptr;
  if (LoadLinks(s, &links, r)) {
    tap = FindLink(links, name);
  }
  if (tap == nullptr ||
      !s.rtnl.Configure(tap->ifindex, OwnerAlias(s.caller.uid), bridge_ifindex, &err)) {
    CloseAll(fds);
    SetReply(r, INTERNAL, tap == nullptr ? "TAP " + name + " vanished" : err);
    return;
  }
  if (LoadLinks(s, &links, r) && CountOwned(s, links, "tun") > s.quotas.max_taps) {
    CloseAll(fds);
    SetReply(r, QUOTA_EXCEEDED, "TAP quota reached (" + std::to_string(s.quotas.max_taps) + ")");
    return;
  }
  r->mutable_tap()->set_queues(queues);
  SetReply(r, OK, "TAP " + name + " attached to " + req.bridge());
}

void HandleDeleteTap(Session& s, const DeleteTap& req, Reply* r) {
  if (!IsValidTapName(req.name())) {
    SetReply(r, INVALID_ARGUMENT,
             "invalid TAP name '" + req.name() + "': must match tap-[a-z0-9-]{1,11}");
    return;
  }
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  const LinkInfo* l = FindLink(links, req.name());
  if (l == nullptr) {
    r->set_already_existed(true);
    SetReply(r, OK, "TAP " + req.name() + " does not exist");
    return;
  }
  if (l->kind != "tun" || !IsOwned(s, *l)) {
    SetReply(r, PERMISSION_DENIED,
             req.name() + " is not a TAP created by qemu-compose for uid " +
                 std::to_string(s.caller.uid));
    return;
  }
  std::string err;
  if (!s.rtnl.Delete(l->ifindex, &err)) {
    SetReply(r, INTERNAL, err);
    return;
  }
  SetReply(r, OK, "TAP " + req.name() + " deleted");
}

}  // namespace qc::netd
