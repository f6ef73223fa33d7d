// rtnetlink access through libnl-route-3: read links/addresses/routes of the
// helper's network namespace and make the few changes the helper is allowed.
#pragma once

#include <sys/types.h>

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

struct AddrInfo {
  int ifindex = 0;
  Cidr cidr;
};

// One rtnetlink socket for the life of the helper.
class Rtnl {
 public:
  bool Connect(std::string* err);
  ~Rtnl();

  bool Links(std::vector<LinkInfo>* out, std::string* err);
  bool Ipv4Addresses(std::vector<AddrInfo>* out, std::string* err);
  // Destinations of main-table IPv4 routes except the default route, with
  // the ifindex of their first next hop (0 if none).
  bool Ipv4Routes(std::vector<AddrInfo>* out, std::string* err);

  // Fails with *exists = true if the name is taken.
  bool AddBridge(const std::string& name, const std::string& alias, bool* exists, std::string* err);
  // Sets alias, master (if master_ifindex > 0) and IFF_UP in one request.
  bool Configure(int ifindex, const std::string& alias, int master_ifindex, std::string* err);
  bool Delete(int ifindex, std::string* err);
  bool AddAddress(int ifindex, const Cidr& c, std::string* err);
  bool DeleteAddress(int ifindex, const Cidr& c, std::string* err);

 private:
  nl_sock* sock_ = nullptr;
};

const LinkInfo* FindLink(const std::vector<LinkInfo>& links, const std::string& name);
const LinkInfo* FindLink(const std::vector<LinkInfo>& links, int ifindex);

}  // namespace qc::netd
