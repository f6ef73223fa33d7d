// What a bridge's VMs need beyond its address: IPv4 forwarding, NAT on/off
// and dnsmasq (StartDhcp).
#include <arpa/inet.h>

#include "dnsmasq/dnsmasq.h"
#include "handlers/handlers.h"
#include "nat/nat.h"

namespace qc::netd {

// The caller's own bridge `name` and its address, which it must have.
static bool OwnedBridgeAddress(Session& s, const std::string& name, ipv4::Cidr* out, Reply* r) {
  std::vector<LinkInfo> links;
  std::vector<AddrInfo> addrs;
  std::string err;
  const LinkInfo* l = FindOwned(s, name, false, &links, r);
  if (l == nullptr) {
    return false;
  }
  if (!Ipv4Addresses(s.rtnl, &addrs, &err, l->ifindex)) {
    SetReply(r, INTERNAL, err);
    return false;
  }
  if (addrs.empty()) {
    SetReply(r, INVALID_ARGUMENT, "the bridge has no IPv4 address yet (send AddAddress first)");
    return false;
  }
  *out = addrs[0].cidr;
  return true;
}

void HandleSetForwarding(Session& s, const SetForwarding& req, Reply* r) {
  std::string err;
  if (!WriteSysctl("ipv4/ip_forward", "1\n", false, &err)) {
    return SetReply(r, INTERNAL, err);
  }
  SetReply(r, OK, "net.ipv4.ip_forward = 1");
}

void HandleEnableNat(Session& s, const EnableNat& req, Reply* r) {
  ipv4::Cidr c;
  std::string err;
  if (!OwnedBridgeAddress(s, req.bridge(), &c, r)) {
    return;
  }
  if (!NatEnable(req.bridge(), ipv4::NetworkOf(c), &err)) {
    return SetReply(r, INTERNAL, err);
  }
  SetReply(r, OK, "NAT enabled for " + req.bridge());
}

void HandleDisableNat(Session& s, const DisableNat& req, Reply* r) {
  std::vector<LinkInfo> links;
  std::string err;
  if (FindOwned(s, req.bridge(), false, &links, r) == nullptr) {
    return;
  }
  if (!NatDisable(req.bridge(), &err)) {
    return SetReply(r, INTERNAL, err);
  }
  SetReply(r, OK, "NAT disabled for " + req.bridge());
}

void HandleStartDhcp(Session& s, const StartDhcp& req, Reply* r) {
  ipv4::Cidr c;
  LauncherRequest start;
  if (!OwnedBridgeAddress(s, req.bridge(), &c, r)) {
    return;
  }
  *start.mutable_start()->mutable_request() = req;
  start.mutable_start()->set_gateway_be(htonl(c.addr));
  start.mutable_start()->set_prefix(c.prefix);
  CallLauncher(s.launcher_fd, start, r);
}

}  // namespace qc::netd
