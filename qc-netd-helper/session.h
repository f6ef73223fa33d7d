// State of one helper session (one caller, one socket) and the checks every
// handler shares. A check that refuses fills the reply and returns false or
// null; the handler then returns at once.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "links.h"
#include "names.h"
#include "netd.pb.h"
#include "policy.h"

namespace qc::netd {

struct Session {
  Caller caller;
  Policy policy;
  Quotas quotas;
  nl_sock* rtnl = nullptr;  // rtnetlink
  int launcher_fd = -1;     // socketpair to the dnsmasq launcher
  bool hello_done = false;
};

void SetReply(Reply* r, Status status, const std::string& message);
void CloseAll(std::vector<int>* fds);
// In these, tap = true means a TAP, false a bridge.
bool CheckName(const std::string& name, bool tap, Reply* r);
bool LoadLinks(Session& s, std::vector<LinkInfo>* links, Reply* r);
// kind: "bridge" or "tun"
unsigned CountOwned(const Session& s, const std::vector<LinkInfo>& links, const char* kind);
// Within the quota once `adding` more exist.
bool CheckQuota(const Session& s, const std::vector<LinkInfo>& links, bool tap, unsigned adding,
                Reply* r);
// Loads the links and returns the caller's own link `name`: NOT_FOUND if
// there is none, PERMISSION_DENIED if it is not theirs.
const LinkInfo* FindOwned(Session& s, const std::string& name, bool tap,
                          std::vector<LinkInfo>* links, Reply* r);

}  // namespace qc::netd
