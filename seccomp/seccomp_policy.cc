#include "seccomp_policy.h"

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

}  // namespace qc::seccomp
