// Capabilities (libcap) and confinement of the helper's processes. The binary
// is installed with cap_net_admin,cap_net_bind_service+ep.
#pragma once

#include <string>

#include "seccomp_policy.h"

namespace qc::netd {

// Keeps exactly `caps` (cap_from_text syntax: what is not named is dropped,
// ambient too), then sets no_new_privs and installs the seccomp `policy`.
bool Confine(const char* caps, const seccomp::Policy& policy, std::string* err);
// dnsmasq child before execve: CAP_NET_ADMIN and CAP_NET_BIND_SERVICE in every
// set including ambient, so they survive the exec of an unprivileged binary.
bool GiveAmbientNetCaps(std::string* err);

}  // namespace qc::netd
