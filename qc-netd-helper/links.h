// rtnetlink access through libnl-route-3: read links/addresses/routes of the
// helper's network namespace and make the few changes the helper is allowed.
#pragma once

#include <string>
#include <vector>

#include "cidr.h"

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
  Cidr cidr;
};

// One rtnetlink socket for the life of the helper. Every call returns false
// with *err set when the kernel refuses.
class Rtnl {
 public:
  bool Connect(std::string* err);
  ~Rtnl();

  bool Links(std::vector<LinkInfo>* out, std::string* err);
  bool Ipv4Addresses(std::vector<AddrInfo>* out, std::string* err);
  // Main-table unicast routes except the default route, with the ifindex of
  // their first next hop (0 if none).
  bool Ipv4Routes(std::vector<AddrInfo>* out, std::string* err);

  // NLM_F_EXCL: fails with *exists = true if the name is taken.
  bool AddBridge(const std::string& name, bool* exists, std::string* err);
  // Sets alias, master (if master_ifindex > 0) and IFF_UP in one request.
  bool Configure(int ifindex, const std::string& alias, int master_ifindex, std::string* err);
  bool Delete(int ifindex, std::string* err);
  // Adds (NLM_F_EXCL, with the subnet's broadcast) or deletes an address.
  bool ChangeAddress(bool add, int ifindex, const Cidr& c, std::string* err);

 private:
  nl_sock* sock_ = nullptr;
};

const LinkInfo* FindLink(const std::vector<LinkInfo>& links, const std::string& name);
// The name of the link with this ifindex, or "ifindex N".
std::string LinkName(const std::vector<LinkInfo>& links, int ifindex);

}  // namespace qc::netd
