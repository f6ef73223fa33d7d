// What a guest can get the host to forward (issue 12, 2): only packets whose
// source lies in its bridge's subnet, and those leave masqueraded.
#include <gtest/gtest.h>

#include "fake_guest.h"

namespace qc::itest {
namespace {

using frames::Bytes;

Bytes EchoRequest(std::uint32_t src, std::uint32_t dst) {
  return frames::Ipv4(src, dst, IPPROTO_ICMP, frames::Icmp4(8, 0, 0x77770001, Bytes(8, 0x5a)));
}

TEST(GuestForwarding, SpoofedSourcesAreDroppedAndOwnSourcesLeaveMasqueraded) {
  Netns host;
  Netns outside;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.AddUplink(outside);
  guest.Watch("internet", "ip saddr 203.0.113.9");     // a made-up internet address
  guest.Watch("neighbour", "ip saddr 198.51.100.77");  // another host of the uplink's LAN
  guest.Watch("guest", "ip saddr 172.16.7.10");        // the guest, not masqueraded
  guest.Watch("masqueraded", "ip saddr 198.51.100.2 icmp type echo-request");
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::uint32_t outside_ip = frames::Ip4(FakeGuest::kOutsideIp);
  for (const char* spoofed : {"203.0.113.9", "198.51.100.77"}) {
    ASSERT_TRUE(guest.Send(guest.ToGateway(EchoRequest(frames::Ip4(spoofed), outside_ip))));
  }
  // Sent last, so once it arrives the spoofed ones (queued before it behind
  // the same ARP resolution) would have arrived too.
  ASSERT_TRUE(
      guest.Send(guest.ToGateway(EchoRequest(frames::Ip4(FakeGuest::kGuestIp), outside_ip))));
  ASSERT_TRUE(WaitFor([&] { return guest.Seen("masqueraded") >= 1; }, 10000))
      << "the guest's own packet never left the host";
  EXPECT_EQ(guest.Seen("internet"), 0);
  EXPECT_EQ(guest.Seen("neighbour"), 0);
  EXPECT_EQ(guest.Seen("guest"), 0);
}

// Multicast and broadcast from a guest stay on its bridge: the host routes
// no multicast and forwards no broadcast, not even a directed broadcast to
// the uplink's subnet.
TEST(GuestForwarding, MulticastAndBroadcastStayOnTheBridge) {
  Netns host;
  Netns outside;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.AddUplink(outside);
  guest.Watch("datagrams", "udp dport 9999");
  guest.Watch("masqueraded", "ip saddr 198.51.100.2 icmp type echo-request");
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::uint32_t src = frames::Ip4(FakeGuest::kGuestIp);
  const Bytes payload(32, 0x42);
  for (const auto& [mac, dst] : std::vector<std::pair<std::string, std::string>>{
           {"01:00:5e:7f:ff:fa", "239.255.255.250"},  // SSDP
           {"01:00:5e:00:00:fb", "224.0.0.251"},      // mDNS
           {"ff:ff:ff:ff:ff:ff", "255.255.255.255"},
           {"ff:ff:ff:ff:ff:ff", "172.16.7.255"},
           {"", "198.51.100.255"},  // directed broadcast of the uplink's subnet, via the gateway
       }) {
    const Bytes ip = frames::Udp4(src, frames::Ip4(dst), 5000, 9999, payload);
    ASSERT_TRUE(guest.Send(
        mac.empty() ? guest.ToGateway(ip)
                    : frames::Ethernet(frames::ParseMac(mac), guest.guest_mac(), 0x0800, ip)));
  }
  ASSERT_TRUE(guest.Send(
      guest.ToGateway(EchoRequest(src, frames::Ip4(FakeGuest::kOutsideIp)))));  // control
  ASSERT_TRUE(WaitFor([&] { return guest.Seen("masqueraded") >= 1; }, 10000));
  EXPECT_EQ(guest.Seen("datagrams"), 0);
}

}  // namespace
}  // namespace qc::itest
