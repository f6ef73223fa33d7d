#include "session.h"

#include "names.h"
#include "ownership.h"

namespace qc::netd {

void SetReply(Reply* r, Status status, const std::string& message) {
  r->set_status(status);
  r->set_message(message);
}

bool LoadLinks(Session& s, std::vector<LinkInfo>* links, Reply* r) {
  std::string err;
  if (s.rtnl.Links(links, &err)) {
    return true;
  }
  SetReply(r, INTERNAL, err);
  return false;
}

bool IsOwned(const Session& s, const LinkInfo& l) {
  return AliasOwnedBy(l.alias, s.caller.uid);
}

const LinkInfo* OwnedBridge(const Session& s, const std::vector<LinkInfo>& links,
                            const std::string& name, Reply* r) {
  if (!IsValidBridgeName(name)) {
    SetReply(r, INVALID_ARGUMENT,
             "invalid bridge name '" + name + "': must match qc-[a-z0-9-]{1,12}");
    return nullptr;
  }
  const LinkInfo* l = FindLink(links, name);
  if (l == nullptr) {
    SetReply(r, NOT_FOUND, "bridge " + name + " does not exist");
    return nullptr;
  }
  if (l->kind != "bridge" || !IsOwned(s, *l)) {
    SetReply(
        r, PERMISSION_DENIED,
        name + " is not a bridge created by qemu-compose for uid " + std::to_string(s.caller.uid));
    return nullptr;
  }
  return l;
}

unsigned CountOwned(const Session& s, const std::vector<LinkInfo>& links, const char* kind) {
  unsigned n = 0;
  for (const LinkInfo& l : links) {
    if (l.kind == kind && IsOwned(s, l)) {
      ++n;
    }
  }
  return n;
}

bool BridgeAddress(Session& s, int ifindex, Cidr* out, Reply* r) {
  std::vector<AddrInfo> addrs;
  std::string err;
  if (!s.rtnl.Ipv4Addresses(&addrs, &err)) {
    SetReply(r, INTERNAL, err);
    return false;
  }
  for (const AddrInfo& a : addrs) {
    if (a.ifindex == ifindex) {
      *out = a.cidr;
      return true;
    }
  }
  SetReply(r, INVALID_ARGUMENT, "the bridge has no IPv4 address yet (send AddAddress first)");
  return false;
}

}  // namespace qc::netd
