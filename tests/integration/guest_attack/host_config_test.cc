// A guest must not be able to configure the host's network (issue 12, 1):
// IPv6 router advertisements and IPv4 ICMP redirects written into its TAP
// change neither the host's addresses nor its routes.
#include <gtest/gtest.h>

#include "fake_guest.h"

namespace qc::itest {
namespace {

using frames::Bytes;

// A router advertisement for 2001:db8:66::/64 (on-link, autonomous) with a
// router lifetime of 1800 s, as any guest kernel can send one.
Bytes RouterAdvertisement(const frames::Mac& guest_mac) {
  Bytes body = {64, 0, 0x07, 0x08};  // hop limit, flags, router lifetime 1800
  body.insert(body.end(), 8, 0);     // reachable time, retransmit timer
  body.insert(body.end(), {1, 1});   // source link-layer address option
  body.insert(body.end(), guest_mac.begin(), guest_mac.end());
  body.insert(body.end(), {3, 4, 64, 0xc0});    // prefix information: /64, L and A
  body.insert(body.end(), {0, 1, 0x51, 0x80});  // valid lifetime 86400
  body.insert(body.end(), {0, 0, 0x38, 0x40});  // preferred lifetime 14400
  body.insert(body.end(), 4, 0);                // reserved
  const Bytes prefix = frames::Ip6("2001:db8:66::");
  body.insert(body.end(), prefix.begin(), prefix.end());
  return frames::Ethernet(
      frames::ParseMac("33:33:00:00:00:01"), guest_mac, 0x86dd,
      frames::Icmp6(frames::Ip6("fe80::5054:ff:fe12:3456"), frames::Ip6("ff02::1"), 134, 0, body));
}

TEST(GuestHostConfig, RouterAdvertisementsGiveTheHostNoAddressAndNoRoute) {
  Netns host;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(guest.Send(RouterAdvertisement(guest.guest_mac())));
  }
  ASSERT_TRUE(guest.Settle());
  const std::string addrs = host.Run("ip -6 addr show").out;
  const std::string routes = host.Run("ip -6 route show table all").out;
  EXPECT_EQ(addrs.find("2001:db8:66"), std::string::npos) << addrs;
  EXPECT_EQ(routes.find("2001:db8:66"), std::string::npos) << routes;
  EXPECT_EQ(routes.find("default"), std::string::npos) << routes;
  // Nor does the host talk IPv6 on the links the helper made at all.
  EXPECT_EQ(host.Run("ip -6 addr show dev qc-g; ip -6 addr show dev tap-g").out, "");
}

// The guest answers a neighbour solicitation nowhere: with IPv6 off on the
// bridge the host has no address to solicit and answers no echo request.
TEST(GuestHostConfig, HostAnswersNoIpv6OnTheBridge) {
  Netns host;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const Bytes src = frames::Ip6("fe80::5054:ff:fe12:3456");
  // Echo request to all nodes, and a neighbour solicitation for the
  // link-local address the bridge would have from its MAC.
  ASSERT_TRUE(guest.Send(frames::Ethernet(
      frames::ParseMac("33:33:00:00:00:01"), guest.guest_mac(), 0x86dd,
      frames::Icmp6(src, frames::Ip6("ff02::1"), 128, 0, {0x12, 0x34, 0, 1, 'q', 'c'}))));
  ASSERT_TRUE(guest.Settle());
  EXPECT_FALSE(guest.Receive([](const Bytes& f) { return frames::Be16(f, 12) == 0x86dd; }, 1000))
      << "the host sent IPv6 to the guest";
}

// An administrator routes 198.51.100.0/24 through the VM (172.16.7.10). A
// redirect from the VM naming another address of the bridge as the better
// next hop must not change where the host sends that traffic. Turning
// ip_forward on (as `up` does) sets conf.all.accept_redirects to 0, so the
// kernel would ignore it anyway; an administrator who turns that back on must
// not open the bridges to it.
TEST(GuestHostConfig, IcmpRedirectsDoNotChangeTheHostsRoutes) {
  Netns host;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  ASSERT_EQ(host.Run("sysctl -qw net.ipv4.conf.all.accept_redirects=1 && "
                     "ip route add 198.51.100.0/24 via 172.16.7.10 && "
                     "ip neigh replace 172.16.7.11 lladdr 52:54:00:00:00:11 dev qc-g nud permanent")
                .exit_code,
            0);
  ASSERT_NE(host.Run("ip route get 198.51.100.7").out.find("via 172.16.7.10"), std::string::npos);
  // ICMP redirect for host (type 5, code 1), new gateway .11, quoting the
  // header of a packet the host sent to 198.51.100.7 and its first 8 bytes
  // (an echo reply: the kernel's own, which no socket owns).
  const Bytes quoted = frames::Ipv4(frames::Ip4("172.16.7.1"), frames::Ip4("198.51.100.7"),
                                    IPPROTO_ICMP, frames::Icmp4(0, 0, 0x00010001, {}));
  const Bytes redirect = frames::Icmp4(5, 1, frames::Ip4("172.16.7.11"), quoted);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(guest.Send(guest.ToGateway(frames::Ipv4(
        frames::Ip4("172.16.7.10"), frames::Ip4("172.16.7.1"), IPPROTO_ICMP, redirect))));
  }
  ASSERT_TRUE(guest.Settle());
  const std::string route = host.Run("ip route get 198.51.100.7").out;
  EXPECT_NE(route.find("via 172.16.7.10"), std::string::npos) << route;
  EXPECT_EQ(route.find("172.16.7.11"), std::string::npos) << route;
}

}  // namespace
}  // namespace qc::itest
