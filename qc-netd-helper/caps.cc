#include "caps.h"

#include <sys/capability.h>

#include <cerrno>
#include <cstring>

namespace qc::netd {
namespace {

// Clears the ambient set and replaces the other sets with `text`
// (cap_from_text syntax: every capability not named is dropped).
bool SetCaps(const char* text, std::string* err) {
  cap_t c = cap_from_text(text);
  const bool ok = c != nullptr && cap_reset_ambient() == 0 && cap_set_proc(c) == 0;
  if (!ok) {
    *err = std::string("cannot set capabilities to ") + text + ": " + std::strerror(errno);
  }
  cap_free(c);
  return ok;
}

}  // namespace

bool KeepLoopCaps(std::string* err) {
  return SetCaps("cap_net_admin=pe", err);
}

bool KeepLauncherCaps(std::string* err) {
  // Effective too: reading /proc/<dnsmasq>/exe is a ptrace-read check that
  // compares the target's permitted set with the caller's *effective* set.
  return SetCaps("cap_net_admin,cap_net_bind_service=pe", err);
}

bool GiveAmbientNetCaps(std::string* err) {
  if (!SetCaps("cap_net_admin,cap_net_bind_service=pei", err)) {
    return false;
  }
  if (cap_set_ambient(CAP_NET_ADMIN, CAP_SET) != 0 ||
      cap_set_ambient(CAP_NET_BIND_SERVICE, CAP_SET) != 0) {
    *err = std::string("cannot raise ambient capabilities: ") + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace qc::netd
