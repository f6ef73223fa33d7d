#include "dnsmasq/dnsmasq_argv.h"

#include <arpa/inet.h>

#include <algorithm>
#include <utility>

#include "names.h"

namespace qc::netd {
namespace {

using Checks = std::initializer_list<std::pair<bool, std::string>>;

// The message of the first failed check, or "" when all pass.
std::string FirstProblem(Checks checks) {
  for (const auto& [failed, message] : checks) {
    if (failed) {
      return message;
    }
  }
  return "";
}

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsPathChar(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '/' || c == '-';
}
bool IsLabelChar(char c) {
  return IsLowerAlnum(c) || c == '-';
}

std::string StateDirProblem(const std::string& d) {
  constexpr auto npos = std::string::npos;
  return FirstProblem({
      {d.empty(), "is empty"},
      {d.starts_with('-'), "must not start with '-'"},
      {!d.starts_with('/'), "must be an absolute path"},
      {d.size() > 200, "is longer than 200 characters"},
      {!std::all_of(d.begin(), d.end(), IsPathChar), "may only contain A-Z a-z 0-9 . _ / -"},
      {d.find("//") != npos, "must not contain '//'"},
      {d.find("/./") != npos || d.ends_with("/."), "must not contain a '.' component"},
      {d.find("/../") != npos || d.ends_with("/.."), "must not contain a '..' component"},
      {d.ends_with('/'), "must not end with '/'"},
  });
}

std::string DomainProblem(const std::string& d) {
  std::string problem = FirstProblem({
      {d.empty(), "is empty"},
      {d.size() > 100, "is longer than 100 characters"},
      {d.starts_with('-'), "must not start with '-'"},
  });
  for (size_t start = 0; problem.empty() && start <= d.size();) {
    const size_t dot = std::min(d.find('.', start), d.size());
    const std::string label = d.substr(start, dot - start);
    problem = FirstProblem({
        {label.empty(), "has an empty label"},
        {label.size() > 63, "has a label longer than 63 characters"},
        {!std::all_of(label.begin(), label.end(), IsLabelChar),
         "may only contain a-z 0-9 - and '.'"},
        {label.starts_with('-') || label.ends_with('-'), "has a label starting or ending with '-'"},
    });
    start = dot + 1;
  }
  return problem;
}

std::string Dotted(uint32_t host_order) {
  const in_addr a{htonl(host_order)};
  char buf[INET_ADDRSTRLEN] = {};
  return inet_ntop(AF_INET, &a, buf, sizeof(buf)) != nullptr ? buf : "?";
}

}  // namespace

bool BuildDnsmasqArgv(const DnsmasqParams& p, const std::string& dnsmasq_path,
                      std::vector<std::string>* argv, std::string* err) {
  const bool prefix_ok = p.prefix >= 16 && p.prefix <= 24;
  const uint32_t gw = ntohl(p.gateway_be);
  const uint32_t mask = prefix_ok ? ~(0xffffffffU >> p.prefix) : 0;
  const std::string gateway = Dotted(gw);
  const std::string dir_problem = StateDirProblem(p.state_dir);
  const std::string domain_problem = DomainProblem(p.domain);
  const std::string problem = FirstProblem({
      {!IsValidBridgeName(p.bridge),
       "invalid bridge name '" + p.bridge + "' (want qc-[a-z0-9-]{1,12})"},
      {!prefix_ok, "invalid prefix length " + std::to_string(p.prefix) + " (want 16..24)"},
      {(gw & ~mask) == 0 || (gw | mask) == 0xffffffffU,
       "gateway " + gateway + " is the network or broadcast address"},
      {(gw & 0xffU) >= 10 && (gw & 0xffU) <= 250,
       "gateway " + gateway + " lies inside the DHCP range .10-.250"},
      {!dir_problem.empty(), "state_dir " + dir_problem},
      {!domain_problem.empty(), "domain " + domain_problem},
      {!dnsmasq_path.starts_with('/'), "dnsmasq path must be absolute"},
  });
  if (!problem.empty()) {
    if (err != nullptr) {
      *err = problem;
    }
    return false;
  }
  const uint32_t net24 = gw & 0xffffff00U;  // the range stays in the gateway's /24
  const std::string& dir = p.state_dir;
  *argv = {
      dnsmasq_path,
      "--keep-in-foreground",  // the launcher detaches it
      "--conf-file=/dev/null",
      "--no-hosts",
      "--no-ping",  // so it needs no CAP_NET_RAW
      "--bind-dynamic",
      "--interface=" + p.bridge,
      "--except-interface=lo",
      "--listen-address=" + gateway,
      "--dhcp-range=" + Dotted(net24 | 10) + "," + Dotted(net24 | 250) + "," + Dotted(mask) + ",1h",
      "--dhcp-authoritative",
      "--dhcp-hostsfile=" + dir + "/dhcp-hosts",
      "--addn-hosts=" + dir + "/hosts",
      "--dhcp-leasefile=" + dir + "/leases",
      "--pid-file=" + dir + "/dnsmasq.pid",
      "--log-facility=" + dir + "/dnsmasq.log",
      "--log-dhcp",
      "--domain=" + p.domain,
      "--local=/" + p.domain + "/",
      "--expand-hosts",
      "--dhcp-option=option:router," + gateway,
      "--dhcp-option=option:dns-server," + gateway,
      "--dhcp-option=option:domain-search," + p.domain,
  };
  return true;
}

}  // namespace qc::netd
