// State of one helper session (one caller, one socket) and the small lookups
// every handler shares.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "links.h"
#include "netd.pb.h"
#include "policy.h"

namespace qc::netd {

struct Session {
  Caller caller;
  gid_t gid = 0;
  Policy policy;
  Quotas quotas;
  Rtnl rtnl;
  int launcher_fd = -1;  // socketpair to the dnsmasq launcher
  bool hello_done = false;
};

void SetReply(Reply* r, Status status, const std::string& message);

// Loads the link list; on failure fills an INTERNAL reply and returns false.
bool LoadLinks(Session& s, std::vector<LinkInfo>* links, Reply* r);

// Returns the bridge if `name` is a valid bridge name, exists, is a bridge
// and its alias names the caller; otherwise fills the reply and returns null.
const LinkInfo* OwnedBridge(const Session& s, const std::vector<LinkInfo>& links,
                            const std::string& name, Reply* r);

bool IsOwned(const Session& s, const LinkInfo& l);
// kind: "bridge" or "tun"
unsigned CountOwned(const Session& s, const std::vector<LinkInfo>& links, const char* kind);

// The bridge's IPv4 address (first one). False + reply if it has none.
bool BridgeAddress(Session& s, int ifindex, Cidr* out, Reply* r);

}  // namespace qc::netd
