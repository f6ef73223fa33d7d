#include "dnsmasq/dnsmasq_argv.h"

#include <arpa/inet.h>

#include "nat/bridge_name.h"

namespace qc::netd {
namespace {

constexpr size_t kMaxStateDir = 200;
constexpr size_t kMaxDomain = 100;
constexpr size_t kMaxLabel = 63;

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Returns the reason `dir` is unacceptable, or "" when it is fine.
std::string StateDirProblem(const std::string& dir) {
  if (dir.empty()) return "is empty";
  if (dir[0] == '-') return "must not start with '-'";
  if (dir[0] != '/') return "must be an absolute path";
  if (dir.size() > kMaxStateDir) return "is longer than 200 characters";
  for (const char c : dir) {
    if (!IsLowerAlnum(c) && !(c >= 'A' && c <= 'Z') && c != '.' && c != '_' && c != '/' &&
        c != '-') {
      return "may only contain A-Z a-z 0-9 . _ / -";
    }
  }
  if (dir.find("//") != std::string::npos) return "must not contain '//'";
  if (dir.find("/./") != std::string::npos || EndsWith(dir, "/.")) return "must not contain '.'";
  if (dir.find("/../") != std::string::npos || EndsWith(dir, "/..")) {
    return "must not contain '..'";
  }
  if (EndsWith(dir, "/")) return "must not end with '/'";
  return "";
}

std::string DomainProblem(const std::string& domain) {
  if (domain.empty()) return "is empty";
  if (domain.size() > kMaxDomain) return "is longer than 100 characters";
  if (domain[0] == '-') return "must not start with '-'";
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string::npos) end = domain.size();
    const std::string label = domain.substr(start, end - start);
    if (label.empty()) return "has an empty label";
    if (label.size() > kMaxLabel) return "has a label longer than 63 characters";
    for (const char c : label) {
      if (!IsLowerAlnum(c) && c != '-') return "may only contain a-z 0-9 - and '.'";
    }
    if (label.front() == '-' || label.back() == '-')
      return "has a label starting or ending with '-'";
    start = end + 1;
  }
  return "";
}

std::string Dotted(uint32_t host_order) {
  in_addr a{htonl(host_order)};
  char buf[INET_ADDRSTRLEN] = {};
  return inet_ntop(AF_INET, &a, buf, sizeof(buf)) != nullptr ? buf : "";
}

bool Reject(std::string* err, const std::string& msg) {
  if (err != nullptr) *err = msg;
  return false;
}

}  // namespace

bool BuildDnsmasqArgv(const DnsmasqParams& p, const std::string& dnsmasq_path,
                      std::vector<std::string>* argv, std::string* err) {
  if (!IsQcBridgeName(p.bridge)) {
    return Reject(err, "invalid bridge name '" + p.bridge + "' (want qc-[a-z0-9-]{1,12})");
  }
  if (p.prefix < 16 || p.prefix > 24) {
    return Reject(err, "invalid prefix length " + std::to_string(p.prefix) + " (want 16..24)");
  }
  const uint32_t gw = ntohl(p.gateway_be);
  const uint32_t mask = ~(0xffffffffU >> p.prefix);
  if ((gw & ~mask) == 0 || (gw | mask) == 0xffffffffU) {
    return Reject(err, "gateway " + Dotted(gw) + " is the network or broadcast address");
  }
  const uint32_t last_octet = gw & 0xffU;
  if (last_octet >= 10 && last_octet <= 250) {
    return Reject(err, "gateway " + Dotted(gw) + " lies inside the DHCP range .10-.250");
  }
  if (const std::string why = StateDirProblem(p.state_dir); !why.empty()) {
    return Reject(err, "state_dir " + why);
  }
  if (const std::string why = DomainProblem(p.domain); !why.empty()) {
    return Reject(err, "domain " + why);
  }
  if (dnsmasq_path.empty() || dnsmasq_path[0] != '/') {
    return Reject(err, "dnsmasq path must be absolute");
  }
  const std::string gateway = Dotted(gw);
  const uint32_t net24 = gw & 0xffffff00U;
  const std::string& dir = p.state_dir;
  *argv = {
      dnsmasq_path,
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-hosts",
      "--no-ping",
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
