// rtnetlink access through libnl-route-3: read links/addresses/routes of the
// helper's network namespace and make the few changes the helper is allowed.
#pragma once

#include <string>
#include <vector>

#include "ipv4.h"

struct nl_sock;

namespace qc::netd {

struct LinkInfo {
  std::string name;
  int ifindex = 0;
  std::string kind;  // "bridge", "tun", "" (unknown/physical)
  std::string alias;
  int master = 0;  // ifindex of the bridge it is attached to
  bool up = false;
};

// An IPv4 address, or the destination of a route, and its interface.
struct AddrInfo {
  int ifindex = 0;
  ipv4::Cidr cidr;
  std::string route_kind;  // routes: "" (unicast, main table), or e.g. "blackhole, table 100"
};

// Each returns false with *err set when the kernel refuses.
nl_sock* ConnectRtnl(std::string* err);
bool Links(nl_sock* rtnl, std::vector<LinkInfo>* out, std::string* err);
// The addresses on link `ifindex`, or on every link if it is 0.
bool Ipv4Addresses(nl_sock* rtnl, std::vector<AddrInfo>* out, std::string* err, int ifindex = 0);
// Every route of every table (main, local and any that policy routing
// uses) and of every type (unicast, local, broadcast, blackhole, unreachable,
// prohibit, throw, ...) except default routes, with the ifindex of their
// first next hop (0 if none).
bool Ipv4Routes(nl_sock* rtnl, std::vector<AddrInfo>* out, std::string* err);
// NLM_F_EXCL: fails with *exists = true if the name is taken.
bool AddBridge(nl_sock* rtnl, const std::string& name, bool* exists, std::string* err);
// Sets alias, master (if master_ifindex > 0) and IFF_UP in one request.
bool ConfigureLink(nl_sock* rtnl, int ifindex, const std::string& alias, int master_ifindex,
                   std::string* err);
bool DeleteLink(nl_sock* rtnl, int ifindex, std::string* err);
// Writes `value` to /proc/sys/net/<path> of the helper's netns (CAP_NET_ADMIN
// suffices there). `optional`: a missing file is fine (a kernel without IPv6).
bool WriteSysctl(const std::string& path, const char* value, bool optional, std::string* err);
// On a qc- bridge or tap- link the helper made, before it goes up: nothing a
// guest sends may configure the host. IPv6 off (no router advertisements,
// autoconfiguration or redirects, no host address a guest could reach) and,
// on a bridge, IPv4 ICMP redirects ignored (SECURITY.md, "The guest").
bool IgnoreGuestConfiguration(const std::string& name, bool bridge, std::string* err);
// Adds (NLM_F_EXCL, with the subnet's broadcast) or deletes an address.
bool ChangeAddress(nl_sock* rtnl, bool add, int ifindex, const ipv4::Cidr& c, std::string* err);
const LinkInfo* FindLink(const std::vector<LinkInfo>& links, const std::string& name);
// The name of the link with this ifindex, or "ifindex N".
std::string LinkName(const std::vector<LinkInfo>& links, int ifindex);

}  // namespace qc::netd
