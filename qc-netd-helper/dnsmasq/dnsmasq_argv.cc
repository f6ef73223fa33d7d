#include <arpa/inet.h>

#include <algorithm>
#include <functional>

#include "dnsmasq/dnsmasq.h"
#include "ipv4.h"
#include "names.h"

namespace qc::netd {

constexpr auto npos = std::string::npos;
const std::string kLabelChars = "abcdefghijklmnopqrstuvwxyz0123456789-";
const std::string kPathChars = kLabelChars + "ABCDEFGHIJKLMNOPQRSTUVWXYZ._/";

// "" or why `dir` cannot be the state directory. It must be absolute (which
// also rules out "" and option-like "-..."), short, of plain characters and
// normalised.
static std::string CheckStateDir(const std::string& dir) {
  if (!dir.starts_with('/')) {
    return "state_dir must be an absolute path";
  }
  if (dir.size() > 200) {
    return "state_dir is longer than 200 characters";
  }
  if (dir.find_first_not_of(kPathChars) != npos) {
    return "state_dir may only contain A-Z a-z 0-9 . _ / -";
  }
  const std::string slashed = dir + '/';  // so the last component is matched like the others
  if (slashed.find("//") != npos || slashed.find("/./") != npos || slashed.find("/../") != npos) {
    return "state_dir must be normalised: no '//', '.' or '..' component, no trailing '/'";
  }
  return "";
}

// "" or why `domain` is not a DNS name of labels [a-z0-9-]{1,63} that neither
// start nor end with '-', at most 100 characters in all.
static std::string CheckDomain(const std::string& domain) {
  if (domain.empty()) {
    return "domain is empty";
  }
  if (domain.size() > 100) {
    return "domain is longer than 100 characters";
  }
  if (domain.starts_with('-')) {
    return "domain must not start with '-'";
  }
  if (domain.starts_with('.') || domain.ends_with('.') || domain.find("..") != npos) {
    return "domain has an empty label";
  }
  // 64 characters in a row without a dot.
  if (std::search_n(domain.begin(), domain.end(), 64, '.', std::not_equal_to<>()) != domain.end()) {
    return "domain has a label longer than 63 characters";
  }
  if (domain.find_first_not_of(kLabelChars + ".") != npos) {
    return "domain may only contain a-z 0-9 - and '.'";
  }
  if (domain.ends_with('-') || domain.find("-.") != npos || domain.find(".-") != npos) {
    return "domain has a label starting or ending with '-'";
  }
  return "";
}

static ipv4::Cidr GatewayOf(const StartDnsmasq& p) {
  return {ntohl(p.gateway_be()), p.prefix()};
}

// "" or the first thing wrong with the request.
static std::string CheckRequest(const StartDnsmasq& p) {
  if (!IsValidBridgeName(p.request().bridge())) {
    return "invalid bridge name " + Quoted(p.request().bridge()) + " (want qc-[a-z0-9-]{1,12})";
  }
  if (std::string why = ipv4::CheckGateway(GatewayOf(p)); !why.empty()) {
    return why;
  }
  if (std::string why = CheckStateDir(p.request().state_dir()); !why.empty()) {
    return why;
  }
  return CheckDomain(p.request().domain());
}

bool BuildDnsmasqArgv(const StartDnsmasq& p, const std::string& dnsmasq_path,
                      std::vector<std::string>* argv, std::string* err) {
  *err = dnsmasq_path.starts_with('/') ? CheckRequest(p) : "dnsmasq path must be absolute";
  if (!err->empty()) {
    return false;
  }
  const std::string& bridge = p.request().bridge();
  const std::string& dir = p.request().state_dir();
  const std::string& domain = p.request().domain();
  const ipv4::Cidr gateway = GatewayOf(p);
  const std::string address = ipv4::FormatAddress(gateway.addr);
  *argv = {
      dnsmasq_path,
      "--conf-file=/dev/null",
      "--no-hosts",
      "--no-ping",  // so it needs no CAP_NET_RAW
      "--bind-dynamic",
      "--interface=" + bridge,
      "--except-interface=lo",
      "--listen-address=" + address,
      "--dhcp-range=" + ipv4::FormatAddress(ipv4::FirstDhcpAddress(gateway)) + "," +
          ipv4::FormatAddress(ipv4::LastDhcpAddress(gateway)) + "," +
          ipv4::FormatAddress(ipv4::PrefixMask(gateway.prefix)) + ",1h",
      "--dhcp-authoritative",
      "--dhcp-hostsfile=" + dir + "/dhcp-hosts",
      "--addn-hosts=" + dir + "/hosts",
      "--dhcp-leasefile=" + dir + "/leases",
      "--pid-file=" + dir + "/dnsmasq.pid",
      "--log-facility=" + dir + "/dnsmasq.log",
      "--log-dhcp",
      "--domain=" + domain,
      "--local=/" + domain + "/",
      "--expand-hosts",
      "--dhcp-option=option:router," + address,
      "--dhcp-option=option:dns-server," + address,
      "--dhcp-option=option:domain-search," + domain,
  };
  return true;
}

}  // namespace qc::netd
