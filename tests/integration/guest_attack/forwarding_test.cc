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

}  // namespace
}  // namespace qc::itest
