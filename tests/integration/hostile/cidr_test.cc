// CIDRs given to AddAddress: malformed, outside the policy's pools, special
// ranges, overlapping a host route or another user's bridge. Each refusal
// names the problem and leaves the namespace as it was.
#include <gtest/gtest.h>

#include "hostile_util.h"

namespace qc::itest {
namespace {

TEST(HostileCidr, BadSpecialAndOverlappingSubnetsAreRefused) {
  Netns ns;
  ASSERT_EQ(ns.Run("ip link add veth-h type veth peer name veth-p && ip link set veth-h up && "
                   "ip route add 172.16.90.0/24 dev veth-h")
                .exit_code,
            0);
  HelperClient a;
  HelperClient b;
  StartHello(&a, ns, UserA());
  StartHello(&b, ns, UserB());
  netd::Reply r;
  ASSERT_TRUE(b.Call(CreateBridgeReq("qc-cidr-b"), &r));
  ASSERT_TRUE(b.Call(AddAddressReq("qc-cidr-b", "172.16.91.1/24"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&a, "qc-cidr"));
  std::string before = NetDump(ns);
  struct Case {
    std::string cidr;
    netd::Status status;
    const char* says;
  };
  const netd::Status kBad = netd::INVALID_ARGUMENT;
  const netd::Status kSyntax = netd::INVALID_ARGUMENT;  // any wording: the parser's
  const netd::Status kPool = netd::PERMISSION_DENIED;
  for (const Case& k : {
           Case{"0.0.0.0/0", kBad, "larger than a /16"},
           Case{"172.16.0.1/1", kBad, "larger than a /16"},
           Case{"172.16.0.1/8", kBad, "larger than a /16"},
           Case{"172.16.1.1/31", kBad, "smaller than a /24"},
           Case{"172.16.1.1/32", kBad, "smaller than a /24"},
           Case{"172.16.1.1/33", kSyntax, ""},
           Case{"172.16.1.1/99", kSyntax, ""},
           Case{"172.16.1.1/-1", kSyntax, ""},
           Case{"172.16.1.1/+24", kSyntax, ""},
           Case{"172.16.1.1/2a", kSyntax, ""},
           Case{"172.16.1.1/", kSyntax, ""},
           Case{"172.16.1.1/24/24", kSyntax, ""},
           Case{"172.16.1.1/24 ", kSyntax, ""},
           Case{std::string("172.16.1.1/24\0", 14), kSyntax, ""},
           Case{std::string("172.16\0.1.1/24", 14), kSyntax, ""},
           Case{" 172.16.1.1/24", kSyntax, ""},
           Case{"172.16.1.256/24", kSyntax, ""},
           Case{"0x7f.1.1.1/24", kSyntax, ""},
           Case{"fd00::1/64", kSyntax, ""},
           Case{"/24", kSyntax, ""},
           Case{"", kSyntax, ""},
           Case{std::string(300, '1') + "/24", kSyntax, ""},
           Case{"172.16.1.5/24", kBad, "first host"},
           Case{"172.16.1.255/24", kBad, "first host"},
           Case{"224.0.0.1/24", kPool, "outside the allowed pools"},
           Case{"127.0.0.1/24", kPool, "outside the allowed pools"},
           Case{"169.254.0.1/24", kPool, "outside the allowed pools"},
           Case{"255.255.255.1/24", kPool, "outside the allowed pools"},
           Case{"0.0.0.1/24", kPool, "outside the allowed pools"},
           Case{"10.0.0.1/24", kPool, "outside the allowed pools"},
           Case{"172.32.0.1/24", kPool, "outside the allowed pools"},
           Case{"172.15.255.1/24", kPool, "outside the allowed pools"},
           Case{"172.16.90.1/24", netd::CONFLICT, "route 172.16.90.0/24 via veth-h"},
           Case{"172.16.91.1/24", netd::CONFLICT, "address 172.16.91.1/24 on qc-cidr-b"},
           Case{"172.16.0.1/16", netd::CONFLICT, "overlaps"},
       }) {
    EXPECT_EQ(ExpectReply(&a, AddAddressReq("qc-cidr", k.cidr), k.status, k.says), "")
        << "'" << k.cidr << "'";
  }
  EXPECT_EQ(NetDump(ns), before);
  // B's bridge and address are intact, and a free subnet still works for A.
  ASSERT_TRUE(b.Call(ListOwnedReq(), &r));
  ASSERT_EQ(r.owned().links_size(), 1);
  EXPECT_EQ(r.owned().links(0).addresses(0), "172.16.91.1/24");
  ASSERT_TRUE(a.Call(AddAddressReq("qc-cidr", "172.16.92.1/24"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
}

// Issue 12 (3): an administrator's blackhole or unreachable route, a local
// route, or a route in a table that policy routing uses, is as much a use of
// those addresses as a unicast route in the main table; a user's /24 must not
// override it.
TEST(HostileCidr, EveryRouteTypeAndEveryTableCountsAsAnOverlap) {
  Netns ns;
  ASSERT_EQ(ns.Run("ip link add veth-h type veth peer name veth-p && ip link set veth-h up && "
                   "ip route add blackhole 172.26.0.0/16 && "
                   "ip route add unreachable 172.27.1.0/24 && "
                   "ip route add prohibit 172.27.2.0/24 && "
                   "ip route add throw 172.27.3.0/24 && "
                   "ip route add local 172.27.4.0/24 dev lo && "
                   "ip route add broadcast 172.27.5.255 dev veth-h table local && "
                   "ip route add 172.27.6.0/24 dev veth-h table 100 && "
                   "ip rule add to 172.27.6.0/24 lookup 100 && "
                   "ip route add blackhole 172.27.7.0/24 table 200 && "
                   "ip rule add lookup 200 pref 100")
                .exit_code,
            0);
  HelperClient a;
  StartHello(&a, ns, UserA());
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&a, "qc-rt"));
  const std::string before = NetDump(ns);
  for (const auto& [cidr, says] : std::vector<std::pair<std::string, std::string>>{
           {"172.26.1.1/24", "overlaps route 172.26.0.0/16 (blackhole)"},
           {"172.27.1.1/24", "overlaps route 172.27.1.0/24 (unreachable)"},
           {"172.27.2.1/24", "overlaps route 172.27.2.0/24 (prohibit)"},
           {"172.27.3.1/24", "overlaps route 172.27.3.0/24 (throw)"},
           {"172.27.4.1/24", "overlaps route 172.27.4.0/24 via lo (local, table local)"},
           {"172.27.5.1/24", "overlaps route 172.27.5.255/32 via veth-h (broadcast, table local)"},
           {"172.27.6.1/24", "overlaps route 172.27.6.0/24 via veth-h (table 100)"},
           {"172.27.7.1/24", "overlaps route 172.27.7.0/24 (blackhole, table 200)"},
       }) {
    EXPECT_EQ(ExpectReply(&a, AddAddressReq("qc-rt", cidr), netd::CONFLICT, says), "") << cidr;
  }
  EXPECT_EQ(NetDump(ns), before);
  netd::Reply r;
  ASSERT_TRUE(a.Call(AddAddressReq("qc-rt", "172.27.9.1/24"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
}

}  // namespace
}  // namespace qc::itest
