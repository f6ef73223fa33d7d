// libFuzzer target: the privileged helper's request decoding and the pure
// validators it runs on every caller-supplied string, without the kernel.
// The same bytes are also parsed as policy text.
#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cidr.h"
#include "dnsmasq/dnsmasq.h"
#include "names.h"
#include "netd.pb.h"
#include "policy.h"

namespace {

using qc::netd::Request;

void Check(bool ok, const char* what) {
  if (!ok) {
    (void)std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

bool AllIn(const std::string& s, size_t from, bool (*ok)(char)) {
  for (size_t i = from; i < s.size(); ++i) {
    if (!ok(s[i])) {
      return false;
    }
  }
  return true;
}

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// An accepted bridge name matches ^qc-[a-z0-9-]{1,12}$.
void BridgeName(const std::string& s) {
  if (qc::netd::IsValidBridgeName(s)) {
    Check(s.size() >= 4 && s.size() <= 15 && s.starts_with("qc-") && AllIn(s, 3, NameChar),
          "accepted bridge name outside ^qc-[a-z0-9-]{1,12}$");
  }
}

// An accepted TAP name matches ^tap-[a-z0-9-]{1,11}$.
void TapName(const std::string& s) {
  if (qc::netd::IsValidTapName(s)) {
    Check(s.size() >= 5 && s.size() <= 15 && s.starts_with("tap-") && AllIn(s, 4, NameChar),
          "accepted tap name outside ^tap-[a-z0-9-]{1,11}$");
  }
}

// A parsed CIDR formats back to the same text (the parser is strict) and its
// network lies inside itself.
void CidrText(const std::string& s) {
  qc::netd::Cidr c;
  std::string err;
  if (!qc::netd::ParseCidr(s, &c, &err)) {
    Check(!err.empty(), "ParseCidr refused without a message");
    return;
  }
  Check(c.prefix >= 0 && c.prefix <= 32, "prefix out of range");
  Check(qc::netd::FormatCidr(c) == s, "FormatCidr(ParseCidr(s)) != s");
  const qc::netd::Cidr net{qc::netd::NetworkOf(c), c.prefix};
  Check(qc::netd::Contains(c, net) && qc::netd::Overlaps(c, net), "a subnet must contain itself");
  if (!qc::netd::CheckGatewayCidr(c, &err)) {
    Check(!err.empty(), "CheckGatewayCidr refused without a message");
  } else {
    Check(c.prefix >= 16 && c.prefix <= 24, "accepted gateway prefix outside 16..24");
  }
}

// An alias owned by a uid spells exactly that uid, and no second uid owns it.
void OwnerText(const std::string& s) {
  const uid_t uid =
      static_cast<uid_t>(std::strtoul(s.c_str() + std::min<size_t>(s.size(), 17), nullptr, 10));
  if (qc::netd::AliasOwnedBy(s, uid)) {
    Check(qc::netd::OwnerAlias(uid) == s, "alias owned by a uid it does not spell");
    Check(!qc::netd::AliasOwnedBy(s, uid + 1), "alias owned by a second uid");
  }
}

// Every string field is tried against every validator: the helper sees them
// all from untrusted callers, whatever field they arrive in.
void AnyString(const std::string& s) {
  BridgeName(s);
  TapName(s);
  CidrText(s);
  OwnerText(s);
}

void Dnsmasq(const std::string& bridge, uint32_t gateway_be, int prefix, const std::string& dir,
             const std::string& domain) {
  qc::netd::StartDnsmasq p;
  p.mutable_request()->set_bridge(bridge);
  p.mutable_request()->set_state_dir(dir);
  p.mutable_request()->set_domain(domain);
  p.set_gateway_be(gateway_be);
  p.set_prefix(prefix);
  std::vector<std::string> argv;
  std::string err;
  if (!qc::netd::BuildDnsmasqArgv(p, "/usr/sbin/dnsmasq", &argv, &err)) {
    Check(!err.empty(), "BuildDnsmasqArgv refused without a message");
    return;
  }
  Check(qc::netd::IsValidBridgeName(bridge), "dnsmasq argv built for an invalid bridge name");
  Check(!argv.empty() && argv[0] == "/usr/sbin/dnsmasq", "argv[0] is not the dnsmasq path");
  for (size_t i = 1; i < argv.size(); ++i) {
    Check(argv[i].starts_with("--"), "dnsmasq argv word without a leading --");
    Check(argv[i].find('\0') == std::string::npos && argv[i].find('\n') == std::string::npos,
          "dnsmasq argv word with a NUL or newline");
  }
}

// Gateway and prefix for StartDhcp come from the bridge's address in the
// helper; here they come from the first bytes so both valid and odd values are
// tried.
void StartDhcp(const qc::netd::StartDhcp& r, const uint8_t* data, size_t size) {
  uint32_t gw = htonl(0xac100301U);  // 172.16.3.1
  int prefix = 24;
  if (size >= 5) {
    gw = static_cast<uint32_t>(data[0]) | static_cast<uint32_t>(data[1]) << 8U |
         static_cast<uint32_t>(data[2]) << 16U | static_cast<uint32_t>(data[3]) << 24U;
    prefix = data[4] % 40;
  }
  Dnsmasq(r.bridge(), gw, prefix, r.state_dir(), r.domain());
  Dnsmasq(r.bridge(), htonl(0xac100301U), 24, r.state_dir(), r.domain());
}

void DecodeRequest(const uint8_t* data, size_t size) {
  Request req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) {
    return;
  }
  // What the helper would send back to a client must round-trip.
  std::string wire;
  Check(req.SerializeToString(&wire), "parsed request does not serialize");
  Request again;
  Check(again.ParseFromString(wire), "re-serialized request does not parse");
  switch (req.op_case()) {
    case Request::kCreateBridge:
      AnyString(req.create_bridge().name());
      break;
    case Request::kDeleteBridge:
      AnyString(req.delete_bridge().name());
      break;
    case Request::kAddAddress:
      AnyString(req.add_address().bridge());
      AnyString(req.add_address().cidr());
      break;
    case Request::kCreateTap:
      AnyString(req.create_tap().name());
      AnyString(req.create_tap().bridge());
      break;
    case Request::kDeleteTap:
      AnyString(req.delete_tap().name());
      break;
    case Request::kEnableNat:
      AnyString(req.enable_nat().bridge());
      break;
    case Request::kDisableNat:
      AnyString(req.disable_nat().bridge());
      break;
    case Request::kStartDhcp:
      AnyString(req.start_dhcp().bridge());
      AnyString(req.start_dhcp().state_dir());
      AnyString(req.start_dhcp().domain());
      StartDhcp(req.start_dhcp(), data, size);
      break;
    default:
      break;
  }
}

void PolicyText(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  qc::netd::Policy policy;
  std::string err;
  if (!qc::netd::ParsePolicy(text, &policy, &err)) {
    Check(!err.empty(), "ParsePolicy refused without a message");
    return;
  }
  for (const qc::netd::Cidr& c : policy.pools) {
    Check(c.prefix >= 0 && c.prefix <= 32, "policy pool prefix out of range");
  }
  qc::netd::Caller caller;
  caller.uid = 1000;
  caller.user = "alice";
  caller.gids = {1000, 27};
  caller.groups = {"alice", "netdev"};
  (void)qc::netd::CallerAllowed(policy, caller);
  (void)qc::netd::EffectiveQuotas(policy, caller);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DecodeRequest(data, size);
  PolicyText(data, size);
  // The raw bytes as one string field, for inputs that are not protobuf.
  if (size <= 256) {
    AnyString(std::string(reinterpret_cast<const char*>(data), size));
  }
  return 0;
}
