// The dnsmasq launcher: a child forked before the request loop drops its
// capabilities and installs seccomp. It keeps CAP_NET_ADMIN and
// CAP_NET_BIND_SERVICE (permitted only) so it can hand exactly these two to
// dnsmasq as ambient capabilities; the request loop cannot fork or exec.
// It builds dnsmasq's argv itself (BuildDnsmasqArgv) from the validated
// fields it receives, so even a compromised loop cannot inject options.
#pragma once

#include <sys/types.h>

#include <string>

#include "cidr.h"
#include "netd.pb.h"

namespace qc::netd {

struct DhcpStart {
  std::string bridge;
  Cidr gateway;  // the bridge's address
  std::string state_dir;
  std::string domain;
  unsigned max_instances = 0;  // caller's dnsmasq quota
};

struct DhcpResult {
  Status status = INTERNAL;
  int pid = 0;
  bool existed = false;
  std::string message;
};

// Launcher side: serves requests on `sock` until it closes, then exits.
[[noreturn]] void RunLauncher(int sock, uid_t uid);

// Request-loop side. False + err only if the launcher cannot be reached.
bool LauncherStart(int sock, const DhcpStart& req, DhcpResult* out, std::string* err);
bool LauncherCount(int sock, unsigned* count, std::string* err);
// Stops (SIGTERM) the caller's dnsmasq serving `bridge`, if any.
bool LauncherStop(int sock, const std::string& bridge, std::string* err);

}  // namespace qc::netd
