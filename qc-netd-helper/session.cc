#include "session.h"

#include <unistd.h>

#include "names.h"
#include "ownership.h"

namespace qc::netd {

void SetReply(Reply* r, Status status, const std::string& message) {
  r->set_status(status);
  r->set_message(message);
}

void CloseAll(std::vector<int>* fds) {
  for (int fd : *fds) {
    close(fd);
  }
  fds->clear();
}

bool CheckName(const std::string& name, bool tap, Reply* r) {
  if (tap ? IsValidTapName(name) : IsValidBridgeName(name)) {
    return true;
  }
  SetReply(r, INVALID_ARGUMENT,
           tap ? "invalid TAP name '" + name + "': must match tap-[a-z0-9-]{1,11}"
               : "invalid bridge name '" + name + "': must match qc-[a-z0-9-]{1,12}");
  return false;
}

bool LoadLinks(Session& s, std::vector<LinkInfo>* links, Reply* r) {
  std::string err;
  if (!s.rtnl.Links(links, &err)) {
    SetReply(r, INTERNAL, err);
    return false;
  }
  return true;
}

bool IsOwned(const Session& s, const LinkInfo& l) {
  return AliasOwnedBy(l.alias, s.caller.uid);
}

unsigned CountOwned(const Session& s, const std::vector<LinkInfo>& links, const char* kind) {
  unsigned n = 0;
  for (const LinkInfo& l : links) {
    n += l.kind == kind && IsOwned(s, l) ? 1 : 0;
  }
  return n;
}

bool CheckQuota(const Session& s, const std::vector<LinkInfo>& links, bool tap, unsigned adding,
                Reply* r) {
  const unsigned max = tap ? s.quotas.max_taps : s.quotas.max_bridges;
  if (CountOwned(s, links, tap ? "tun" : "bridge") + adding <= max) {
    return true;
  }
  SetReply(r, QUOTA_EXCEEDED,
           std::string(tap ? "TAP" : "bridge") + " quota reached (" + std::to_string(max) + ")");
  return false;
}

const LinkInfo* OwnedBridge(Session& s, const std::string& name, std::vector<LinkInfo>* links,
                            Reply* r) {
  if (!CheckName(name, false, r) || !LoadLinks(s, links, r)) {
    return nullptr;
  }
  const LinkInfo* l = FindLink(*links, name);
  if (l == nullptr) {
    SetReply(r, NOT_FOUND, "bridge " + name + " does not exist");
  } else if (l->kind != "bridge" || !IsOwned(s, *l)) {
    SetReply(
        r, PERMISSION_DENIED,
        name + " is not a bridge created by qemu-compose for uid " + std::to_string(s.caller.uid));
    l = nullptr;
  }
  return l;
}

bool AddressesOf(Session& s, int ifindex, std::vector<Cidr>* out, Reply* r) {
  std::vector<AddrInfo> addrs;
  std::string err;
  if (!s.rtnl.Ipv4Addresses(&addrs, &err)) {
    SetReply(r, INTERNAL, err);
    return false;
  }
  for (const AddrInfo& a : addrs) {
    if (a.ifindex == ifindex) {
      out->push_back(a.cidr);
    }
  }
  return true;
}

bool OwnedBridgeAddress(Session& s, const std::string& name, Cidr* out, Reply* r) {
  std::vector<LinkInfo> links;
  std::vector<Cidr> addrs;
  const LinkInfo* l = OwnedBridge(s, name, &links, r);
  if (l == nullptr || !AddressesOf(s, l->ifindex, &addrs, r)) {
    return false;
  }
  if (addrs.empty()) {
    SetReply(r, INVALID_ARGUMENT, "the bridge has no IPv4 address yet (send AddAddress first)");
    return false;
  }
  *out = addrs[0];
  return true;
}

}  // namespace qc::netd
