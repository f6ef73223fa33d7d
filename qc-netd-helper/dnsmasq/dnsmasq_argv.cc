#include "dnsmasq/dnsmasq.h"

#include <arpa/inet.h>

#include <algorithm>
#include <functional>
#include <utility>

#include "cidr.h"
#include "names.h"

namespace qc::netd {

constexpr auto npos = std::string::npos;
const std::string kLabelChars = "abcdefghijklmnopqrstuvwxyz0123456789-";
const std::string kPathChars = kLabelChars + "ABCDEFGHIJKLMNOPQRSTUVWXYZ._/";

bool BuildDnsmasqArgv(const StartDnsmasq& p, const std::string& dnsmasq_path,
                      std::vector<std::string>* argv, std::string* err) {
  const std::string& bridge = p.request().bridge();
  const std::string& d = p.request().state_dir();
  const std::string& dom = p.request().domain();
  const std::string d_end = d + '/';  // a last component is then matched like the others
  const bool prefix_ok = p.prefix() >= 16 && p.prefix() <= 24;
  const uint32_t gw = ntohl(p.gateway_be());
  const uint32_t mask = prefix_ok ? ~(0xffffffffU >> p.prefix()) : 0;
  const std::string gateway = FormatIp(gw);
  // Checked in this order; the first failure is the reply.
  const std::initializer_list<std::pair<bool, std::string>> checks = {
      {!IsValidBridgeName(bridge),
       "invalid bridge name '" + bridge + "' (want qc-[a-z0-9-]{1,12})"},
      {!prefix_ok, "invalid prefix length " + std::to_string(p.prefix()) + " (want 16..24)"},
      {(gw & ~mask) == 0 || (gw | mask) == 0xffffffffU,
       "gateway " + gateway + " is the network or broadcast address"},
      {(gw & 0xffU) >= 10 && (gw & 0xffU) <= 250,
       "gateway " + gateway + " lies inside the DHCP range .10-.250"},
      // Rules out relative paths and option injection ("-..." or "").
      {!d.starts_with('/'), "state_dir must be an absolute path"},
      {d.size() > 200, "state_dir is longer than 200 characters"},
      {d.find_first_not_of(kPathChars) != npos, "state_dir may only contain A-Z a-z 0-9 . _ / -"},
      {d_end.find("//") != npos || d_end.find("/./") != npos || d_end.find("/../") != npos,
       "state_dir must be normalised: no '//', '.' or '..' component, no trailing '/'"},
      {dom.empty(), "domain is empty"},
      {dom.size() > 100, "domain is longer than 100 characters"},
      {dom.starts_with('-'), "domain must not start with '-'"},
      {dom.starts_with('.') || dom.ends_with('.') || dom.find("..") != npos,
       "domain has an empty label"},
      {std::search_n(dom.begin(), dom.end(), 64, '.', std::not_equal_to<>()) != dom.end(),
       "domain has a label longer than 63 characters"},
      {dom.find_first_not_of(kLabelChars + ".") != npos,
       "domain may only contain a-z 0-9 - and '.'"},
      {dom.ends_with('-') || dom.find("-.") != npos || dom.find(".-") != npos,
       "domain has a label starting or ending with '-'"},
      {!dnsmasq_path.starts_with('/'), "dnsmasq path must be absolute"},
  };
  for (const auto& [failed, message] : checks) {
    if (failed) {
      *err = message;
      return false;
    }
  }
  const uint32_t net24 = gw & 0xffffff00U;  // the range stays in the gateway's /24
  *argv = {
      dnsmasq_path,
      "--conf-file=/dev/null",
      "--no-hosts",
      "--no-ping",  // so it needs no CAP_NET_RAW
      "--bind-dynamic",
      "--interface=" + bridge,
      "--except-interface=lo",
      "--listen-address=" + gateway,
      "--dhcp-range=" + FormatIp(net24 | 10) + "," + FormatIp(net24 | 250) + "," + FormatIp(mask) +
          ",1h",
      "--dhcp-authoritative",
      "--dhcp-hostsfile=" + d + "/dhcp-hosts",
      "--addn-hosts=" + d + "/hosts",
      "--dhcp-leasefile=" + d + "/leases",
      "--pid-file=" + d + "/dnsmasq.pid",
      "--log-facility=" + d + "/dnsmasq.log",
      "--log-dhcp",
      "--domain=" + dom,
      "--local=/" + dom + "/",
      "--expand-hosts",
      "--dhcp-option=option:router," + gateway,
      "--dhcp-option=option:dns-server," + gateway,
      "--dhcp-option=option:domain-search," + dom,
  };
  return true;
}

}  // namespace qc::netd
