// Loads a seccomp policy compiled at build time from seccomp/*.policy.
#pragma once

#include <seccomp.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace qc::seccomp {

struct Cond {
  unsigned arg;
  scmp_compare op;
  scmp_datum_t a;
  scmp_datum_t b;
};

struct Rule {
  int syscall;
  uint32_t action;
  unsigned ncond;
  Cond cond[6];
  const char* name;
};

struct Policy {
  uint32_t default_action;
  const Rule* rules;
  std::size_t count;
};

// Installs the policy on the calling thread (requires no_new_privs).
// Returns false and sets *err if libseccomp refuses a rule or the load.
bool LoadPolicy(const Policy& policy, std::string* err);

}  // namespace qc::seccomp
