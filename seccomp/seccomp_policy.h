// Confinement of the helper's processes: capabilities (libcap), no_new_privs
// and the seccomp policies compiled at build time from seccomp/*.policy. The
// helper binary is installed with cap_net_admin,cap_net_bind_service+ep.
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
bool LoadPolicy(const Policy& policy, std::string* err);

// Keeps exactly `caps` (cap_from_text syntax: what is not named is dropped,
// ambient too), then sets no_new_privs and installs `policy`.
bool Confine(const char* caps, const Policy& policy, std::string* err);

}  // namespace qc::seccomp
