// The complete dnsmasq command line for one network, built by the helper alone:
// every caller-supplied string is validated here and becomes part of a single
// --opt=value word, so nothing the caller sends can add an option.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qc::netd {

struct DnsmasqParams {
  std::string bridge;     // qc-[a-z0-9-]{1,12}
  uint32_t gateway_be;    // the bridge's address, network byte order
  int prefix;             // 16..24
  std::string state_dir;  // absolute, normalised, [A-Za-z0-9._/-], <= 200 chars
  std::string domain;     // DNS labels [a-z0-9-]{1,63} joined by '.', <= 100 chars
};

// argv[0] is `dnsmasq_path`. DHCP hands out .10-.250 of the gateway's /24.
// False and a message naming the offending field when input is invalid.
bool BuildDnsmasqArgv(const DnsmasqParams& p, const std::string& dnsmasq_path,
                      std::vector<std::string>* argv, std::string* err);

}  // namespace qc::netd
