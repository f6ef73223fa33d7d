// The dnsmasq launcher, forked before the request loop is confined: it alone
// can exec, and it builds dnsmasq's argv itself (SECURITY.md, "The dnsmasq
// launcher").
#pragma once

#include <sys/types.h>

#include <string>

#include "dnsmasq/dnsmasq_argv.h"
#include "netd.pb.h"

namespace qc::netd {

struct DhcpResult {
  Status status = INTERNAL;
  int pid = 0;
  bool existed = false;
  std::string message;
};

// Launcher side: serves requests on `sock` until it closes, then exits.
[[noreturn]] void RunLauncher(int sock, uid_t uid);

// Request-loop side. False + err only if the launcher cannot be reached.
// `max_instances` is the caller's dnsmasq quota.
bool LauncherStart(int sock, const DnsmasqParams& p, unsigned max_instances, DhcpResult* out,
                   std::string* err);
bool LauncherCount(int sock, unsigned* count, std::string* err);
// Stops (SIGTERM) the caller's dnsmasq serving `bridge`, if any.
bool LauncherStop(int sock, const std::string& bridge, std::string* err);

}  // namespace qc::netd
