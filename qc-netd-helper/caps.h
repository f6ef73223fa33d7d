// Capability sets of the helper's processes (libcap). The binary is
// installed with cap_net_admin,cap_net_bind_service+ep.
#pragma once

#include <string>

namespace qc::netd {

// Request loop: CAP_NET_ADMIN permitted+effective, nothing else anywhere.
bool KeepLoopCaps(std::string* err);
// Launcher: CAP_NET_ADMIN + CAP_NET_BIND_SERVICE permitted+effective (to pass on).
bool KeepLauncherCaps(std::string* err);
// dnsmasq child before execve: those two in permitted, effective,
// inheritable and ambient, so they survive the exec of an unprivileged binary.
bool GiveAmbientNetCaps(std::string* err);

}  // namespace qc::netd
