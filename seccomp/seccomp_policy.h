// Loads a seccomp policy compiled at build time from seccomp/*.policy.
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <span>
#include <string>

namespace qc::seccomp {

struct Rule {
  const char* name;
  int syscall;
  uint32_t action;
  unsigned ncond;
  scmp_arg_cmp cond[6];
};

struct Policy {
  uint32_t default_action;
  std::span<const Rule> rules;
};

// Installs the policy on the calling thread (requires no_new_privs).
// Returns false and sets *err if libseccomp refuses a rule or the load.
bool LoadPolicy(const Policy& policy, std::string* err);

}  // namespace qc::seccomp
