// Frames no well-behaved virtio-net driver sends: virtio_net_hdr offload
// fields that contradict the frame, frames shorter than an Ethernet header,
// frames far larger than the MTU. The TAP refuses the first two (write fails
// with EINVAL, or the frame is dropped) and nothing of them leaves the host;
// an oversized datagram is forwarded only in fragments that fit the uplink;
// the TAP keeps working.
#include <gtest/gtest.h>

#include <cerrno>

#include "fake_guest.h"

namespace qc::itest {
namespace {

using frames::Bytes;

TEST(GuestFrames, BogusOffloadHeadersShortAndOversizedFrames) {
  Netns host;
  Netns outside;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.AddUplink(outside);
  guest.Watch("bogus", "udp dport 9999");
  guest.Watch("jumbo", "udp dport 9998");
  guest.Watch("oversized", "ip length > 1500", true);
  guest.Watch("control", "udp dport 9997");
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  auto datagram = [&](std::uint16_t port, std::size_t size) {
    return guest.ToGateway(frames::Udp4(frames::Ip4(FakeGuest::kGuestIp),
                                        frames::Ip4(FakeGuest::kOutsideIp), 5000, port,
                                        Bytes(size, 0x42)));
  };
  const Bytes frame = datagram(9999, 200);
  const std::uint16_t len = static_cast<std::uint16_t>(frame.size());
  constexpr std::uint8_t kNeedsCsum = 1;
  constexpr std::uint8_t kGsoTcpV4 = 1;
  struct Case {
    const char* what;
    Bytes header;
  };
  for (const Case& c : {
           Case{"unknown GSO type", frames::VnetHeader(0, 0x42, 42, 100, 0, 0)},
           Case{"checksum start past the frame", frames::VnetHeader(kNeedsCsum, 0, 0, 0, 60000, 6)},
           Case{"checksum field past the frame",
                frames::VnetHeader(kNeedsCsum, 0, 0, 0, 34, 60000)},
           Case{"header length past the frame",
                frames::VnetHeader(0, 0, static_cast<std::uint16_t>(len + 100), 0, 0, 0)},
       }) {
    Bytes bytes = c.header;
    bytes.insert(bytes.end(), frame.begin(), frame.end());
    EXPECT_EQ(guest.SendRaw(bytes), EINVAL) << c.what;
  }
  // TCP segmentation asked for a UDP datagram: this kernel takes the write
  // (another may refuse it); either way the segmentation fails and the frame
  // is dropped, which the "bogus" count below shows.
  Bytes mismatched = frames::VnetHeader(kNeedsCsum, kGsoTcpV4, 54, 100, 34, 16);
  mismatched.insert(mismatched.end(), frame.begin(), frame.end());
  const int e = guest.SendRaw(mismatched);
  EXPECT_TRUE(e == 0 || e == EINVAL) << e;
  EXPECT_EQ(guest.SendRaw(Bytes(10 + 5, 0)), EINVAL) << "a 5-byte frame";
  ASSERT_TRUE(guest.Send(datagram(9998, 9000)));  // six times the MTU, DF clear
  ASSERT_TRUE(guest.Settle()) << "the TAP no longer carries frames";
  ASSERT_TRUE(guest.Send(datagram(9997, 200)));  // sent last
  ASSERT_TRUE(WaitFor([&] { return guest.Seen("control") >= 1; }, 10000));
  EXPECT_EQ(guest.Seen("bogus"), 0);
  EXPECT_EQ(guest.Seen("jumbo"), 1);
  EXPECT_EQ(guest.Seen("oversized"), 0);
}

}  // namespace
}  // namespace qc::itest
