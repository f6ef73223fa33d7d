#include "seccomp_policy.h"

#include <cstring>

namespace qc::seccomp {

bool LoadPolicy(const Policy& policy, std::string* err) {
  scmp_filter_ctx ctx = seccomp_init(policy.default_action);
  if (ctx == nullptr) {
    *err = "seccomp_init failed";
    return false;
  }
  for (std::size_t i = 0; i < policy.count; ++i) {
    const Rule& r = policy.rules[i];
    scmp_arg_cmp cmp[6] = {};
    for (unsigned c = 0; c < r.ncond; ++c) {
      cmp[c] = scmp_arg_cmp{r.cond[c].arg, r.cond[c].op, r.cond[c].a, r.cond[c].b};
    }
    int rc = seccomp_rule_add_array(ctx, r.action, r.syscall, r.ncond, cmp);
    if (rc != 0) {
      *err = std::string("seccomp rule for ") + r.name + ": " + std::strerror(-rc);
      seccomp_release(ctx);
      return false;
    }
  }
  int rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc != 0) {
    *err = std::string("seccomp_load: ") + std::strerror(-rc);
    return false;
  }
  return true;
}

}  // namespace qc::seccomp
