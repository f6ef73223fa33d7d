// SetForwarding, NAT on/off, dnsmasq start and ListOwned.
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dnsmasq/launcher.h"
#include "handlers/handlers.h"
#include "nat/nat.h"

namespace qc::netd {

void HandleSetForwarding(Session& s, const SetForwarding& req, Reply* r) {
  int fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, "1\n", 2) != 2) {
    SetReply(r, INTERNAL, std::string("cannot write net.ipv4.ip_forward: ") + std::strerror(errno));
    if (fd >= 0) {
      close(fd);
    }
    return;
  }
  close(fd);
  SetReply(r, OK, "net.ipv4.ip_forward = 1");
}

void HandleEnableNat(Session& s, const EnableNat& req, Reply* r) {
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  const LinkInfo* l = OwnedBridge(s, links, req.bridge(), r);
  Cidr c;
  if (l == nullptr || !BridgeAddress(s, l->ifindex, &c, r)) {
    return;
  }
  std::string err;
  if (!NatEnable(req.bridge(), htonl(NetworkOf(c)), c.prefix, &err)) {
    SetReply(r, INTERNAL, err);
    return;
  }
  SetReply(r, OK, "NAT enabled for " + req.bridge());
}

void HandleDisableNat(Session& s, const DisableNat& req, Reply* r) {
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  if (OwnedBridge(s, links, req.bridge(), r) == nullptr) {
    return;
  }
  std::string err;
  if (!NatDisable(req.bridge(), &err)) {
    SetReply(r, INTERNAL, err);
    return;
  }
  SetReply(r, OK, "NAT disabled for " + req.bridge());
}

void HandleStartDhcp(Session& s, const StartDhcp& req, Reply* r) {
  std::vector<LinkInfo> links;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  const LinkInfo* l = OwnedBridge(s, links, req.bridge(), r);
  Cidr c;
  if (l == nullptr || !BridgeAddress(s, l->ifindex, &c, r)) {
    return;
  }
  DhcpStart start{req.bridge(), c, req.state_dir(), req.domain(), s.quotas.max_dnsmasq};
  DhcpResult res;
  std::string err;
  if (!LauncherStart(s.launcher_fd, start, &res, &err)) {
    SetReply(r, INTERNAL, err);
    return;
  }
  if (res.status != OK) {
    SetReply(r, res.status, res.message);
    return;
  }
  r->set_already_existed(res.existed);
  r->mutable_dhcp()->set_pid(res.pid);
  SetReply(r, OK, res.message);
}

void HandleListOwned(Session& s, const ListOwned& req, Reply* r) {
  std::vector<LinkInfo> links;
  std::vector<AddrInfo> addrs;
  std::string err;
  if (!LoadLinks(s, &links, r)) {
    return;
  }
  if (!s.rtnl.Ipv4Addresses(&addrs, &err)) {
    SetReply(r, INTERNAL, err);
    return;
  }
  OwnedLinks* out = r->mutable_owned();
  for (const LinkInfo& l : links) {
    if (!IsOwned(s, l) || (l.kind != "bridge" && l.kind != "tun")) {
      continue;
    }
    OwnedLink* o = out->add_links();
    o->set_name(l.name);
    o->set_kind(l.kind == "bridge" ? "bridge" : "tap");
    const LinkInfo* m = l.master > 0 ? FindLink(links, l.master) : nullptr;
    if (m != nullptr) {
      o->set_master(m->name);
    }
    for (const AddrInfo& a : addrs) {
      if (a.ifindex == l.ifindex) {
        o->add_addresses(FormatCidr(a.cidr));
      }
    }
    o->set_nat(l.kind == "bridge" && NatIsEnabled(l.name));
    o->set_up(l.up);
  }
  SetReply(r, OK, std::to_string(out->links_size()) + " owned links");
}

}  // namespace qc::netd
