// dnsmasq for one network: the launcher, forked before the request loop is
// confined, alone can exec, and it builds dnsmasq's argv itself (SECURITY.md,
// "The dnsmasq launcher"). Protocol: proto/launcher.proto.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "launcher.pb.h"
#include "netd.pb.h"

namespace qc::netd {

// The complete dnsmasq command line, argv[0] being `dnsmasq_path`. Every
// caller-supplied string is validated here and becomes part of a single
// --opt=value word, so nothing the caller sends can add an option. DHCP hands
// out .10-.250 of the gateway's /24. False and a message naming the offending
// field when input is invalid.
bool BuildDnsmasqArgv(const StartDnsmasq& p, const std::string& dnsmasq_path,
                      std::vector<std::string>* argv, std::string* err);

// Launcher side: serves requests on `sock` until it closes, then exits.
// `max_dnsmasq` is the caller's quota.
[[noreturn]] void RunLauncher(int sock, uid_t uid, unsigned max_dnsmasq);

// Request-loop side: one exchange, whose Reply lands in *r. False if the
// launcher refused (r says why) or cannot be reached (INTERNAL).
bool CallLauncher(int sock, const LauncherRequest& req, Reply* r);

}  // namespace qc::netd
