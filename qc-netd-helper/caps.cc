#include "caps.h"

#include <sys/capability.h>

#include <cerrno>
#include <cstring>

namespace qc::netd {
namespace {

bool SetCaps(const cap_value_t* caps, int n, bool effective, bool inheritable, std::string* err) {
  cap_t c = cap_init();  // all flags clear
  bool ok = c != nullptr && cap_set_flag(c, CAP_PERMITTED, n, caps, CAP_SET) == 0 &&
            (!effective || cap_set_flag(c, CAP_EFFECTIVE, n, caps, CAP_SET) == 0) &&
            (!inheritable || cap_set_flag(c, CAP_INHERITABLE, n, caps, CAP_SET) == 0) &&
            cap_set_proc(c) == 0;
  if (!ok) {
    *err = std::string("cannot set capabilities: ") + std::strerror(errno);
  }
  if (c != nullptr) {
    cap_free(c);
  }
  return ok;
}

const cap_value_t kNetAdmin[] = {CAP_NET_ADMIN};
const cap_value_t kNetBoth[] = {CAP_NET_ADMIN, CAP_NET_BIND_SERVICE};

}  // namespace

bool KeepLoopCaps(std::string* err) {
  if (cap_reset_ambient() != 0) {
    *err = "cannot clear ambient capabilities";
    return false;
  }
  return SetCaps(kNetAdmin, 1, true, false, err);
}

bool KeepLauncherCaps(std::string* err) {
  // Effective too: reading /proc/<dnsmasq>/exe is a ptrace-read check that
  // compares the target's permitted set with the caller's *effective* set.
  return cap_reset_ambient() == 0 && SetCaps(kNetBoth, 2, true, false, err);
}

bool GiveAmbientNetCaps(std::string* err) {
  if (!SetCaps(kNetBoth, 2, true, true, err)) {
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
