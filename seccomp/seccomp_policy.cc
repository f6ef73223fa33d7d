#include "seccomp_policy.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace qc::seccomp {

bool LoadPolicy(const Policy& policy, std::string* err) {
  const std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(policy.default_action),
                                                             seccomp_release);
  int rc = ctx ? 0 : -ENOMEM;
  std::string what = "seccomp_init";
  for (auto r = policy.rules.begin(); rc == 0 && r != policy.rules.end(); ++r) {
    what = std::string("seccomp rule for ") + r->name;
    rc = seccomp_rule_add_array(ctx.get(), r->action, r->syscall, r->ncond, r->cond);
  }
  if (rc == 0) {
    what = "seccomp_load";
    rc = seccomp_load(ctx.get());
  }
  if (rc != 0) {
    *err = what + ": " + std::strerror(-rc);
  }
  return rc == 0;
}

bool Confine(const char* caps, const Policy& policy, std::string* err) {
  cap_t c = cap_from_text(caps);
  if (c == nullptr || cap_reset_ambient() != 0 || cap_set_proc(c) != 0) {
    *err = std::string("cannot set capabilities to ") + caps + ": " + std::strerror(errno);
    cap_free(c);
    return false;
  }
  cap_free(c);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    *err = "cannot set no_new_privs";
    return false;
  }
  return LoadPolicy(policy, err);
}

}  // namespace qc::seccomp
