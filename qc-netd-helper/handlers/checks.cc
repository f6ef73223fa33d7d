#include "handlers/handlers.h"

#include <unistd.h>

#include <algorithm>

namespace qc::netd {

void SetReply(Reply* r, Status status, const std::string& message) {
  // Cut long messages short, never inside a UTF-8 sequence (continuation
  // bytes are 10xxxxxx): a proto3 string must be valid UTF-8.
  std::size_t cut = std::min<std::size_t>(message.size(), 1024);
  while (cut < message.size() && cut > 0 && (message[cut] & 0xc0) == 0x80) {
    --cut;
  }
  r->set_status(status);
  r->set_message(cut < message.size() ? message.substr(0, cut) + "..." : message);
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
           tap ? "invalid TAP name " + Quoted(name) + ": must match tap-[a-z0-9-]{1,11}"
               : "invalid bridge name " + Quoted(name) + ": must match qc-[a-z0-9-]{1,12}");
  return false;
}

bool LoadLinks(Session& s, std::vector<LinkInfo>* links, Reply* r) {
  std::string err;
  if (!Links(s.rtnl, links, &err)) {
    SetReply(r, INTERNAL, err);
    return false;
  }
  return true;
}

unsigned CountOwned(const Session& s, const std::vector<LinkInfo>& links, const char* kind) {
  return std::count_if(links.begin(), links.end(), [&](const LinkInfo& l) {
    return l.kind == kind && AliasOwnedBy(l.alias, s.caller.uid);
  });
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

const LinkInfo* FindOwned(Session& s, const std::string& name, bool tap,
                          std::vector<LinkInfo>* links, Reply* r) {
  if (!CheckName(name, tap, r) || !LoadLinks(s, links, r)) {
    return nullptr;
  }
  const std::string what = tap ? "TAP" : "bridge";
  const LinkInfo* l = FindLink(*links, name);
  if (l == nullptr) {
    SetReply(r, NOT_FOUND, what + " " + name + " does not exist");
  } else if (l->kind != (tap ? "tun" : "bridge") || !AliasOwnedBy(l->alias, s.caller.uid)) {
    SetReply(r, PERMISSION_DENIED,
             name + " is not a " + what + " created by qemu-compose for uid " +
                 std::to_string(s.caller.uid));
    l = nullptr;
  }
  return l;
}

}  // namespace qc::netd
