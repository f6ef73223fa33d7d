// TAP devices through /dev/net/tun.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace qc::netd {

// Opens `queues` fds of a new, non-persistent TAP `name` (IFF_TAP|IFF_NO_PI|
// IFF_VNET_HDR, IFF_MULTI_QUEUE if queues > 1) owned by uid/gid. Fails if a
// device of that name already exists (IFF_TUN_EXCL), so it never attaches to
// someone else's TAP. On failure no fd stays open and the TAP is gone.
bool OpenTap(const std::string& name, unsigned queues, uid_t uid, gid_t gid, std::vector<int>* fds,
             std::string* err);

void CloseAll(std::vector<int>* fds);

}  // namespace qc::netd
