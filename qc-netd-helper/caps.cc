#include "caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstring>

namespace qc::netd {
namespace {

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

bool Confine(const char* caps, const seccomp::Policy& policy, std::string* err) {
  if (!SetCaps(caps, err)) {
    return false;
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    *err = "cannot set no_new_privs";
    return false;
  }
  return seccomp::LoadPolicy(policy, err);
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
