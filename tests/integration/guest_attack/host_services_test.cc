// What a guest can ask of the host itself: DHCP and DNS from its network's
// dnsmasq, ARP for its gateway, packets to the host's addresses. Each test
// has a control that must work, so "nothing happened" means refused, not lost.
#include <gtest/gtest.h>

#include "fake_guest.h"

namespace qc::itest {
namespace {

using frames::Bytes;

constexpr std::size_t kUdpPayload = 14 + 20 + 8;  // Ethernet, IPv4 without options, UDP
const std::uint32_t kGuest = frames::Ip4(FakeGuest::kGuestIp);
const std::uint32_t kGateway = frames::Ip4(FakeGuest::kGateway);

// The guest's reservation (.10) and another VM's, "web" at .20, as
// qemu-compose writes them.
constexpr char kHosts[] = "172.16.7.10 g1 g1.demo.qc\\n172.16.7.20 web web.demo.qc\\n";
constexpr char kDhcpHosts[] =
    "52:54:00:12:34:56,172.16.7.10,g1\\n52:54:00:00:00:20,172.16.7.20,web\\n";

// The yiaddr of a DHCP reply frame.
std::uint32_t OfferedAddress(const Bytes& f) {
  return frames::Be32(f, kUdpPayload + 16);
}

// Sends the DHCP `request` until dnsmasq answers it with a message of
// `reply_type` (2 OFFER, 5 ACK), for 20 s at most (dnsmasq may still be
// starting), and returns that reply.
std::optional<Bytes> DhcpExchange(FakeGuest& guest, const Bytes& request, std::uint32_t xid,
                                  int reply_type) {
  std::optional<Bytes> reply;
  WaitFor(
      [&] {
        guest.Send(request);
        reply = guest.Receive(
            [&](const Bytes& f) { return frames::DhcpType(f, xid) == reply_type; }, 2000);
        return reply.has_value();
      },
      20000, 0);
  return reply;
}

// Sends a DNS query for `name` to `server`:53 and returns the reply: a DNS
// answer from port 53 or an ICMP error about the query.
std::optional<Bytes> Dns(FakeGuest& guest, std::uint32_t server, const std::string& name,
                         std::uint16_t id) {
  EXPECT_TRUE(guest.Send(
      guest.ToGateway(frames::Udp4(kGuest, server, 40000 + id, 53, frames::DnsQuery(id, name)))));
  return guest.Receive([&](const Bytes& f) {
    const bool dns = f.size() > kUdpPayload + 12 && f[23] == IPPROTO_UDP &&
                     frames::Be16(f, 34) == 53 && frames::Be16(f, kUdpPayload) == id;
    const bool icmp_error = f.size() > 34 + 8 + 28 && f[23] == IPPROTO_ICMP && f[34] == 3 &&
                            frames::Be16(f, 34 + 8 + 20 + 2) == 53;
    return frames::Be16(f, 12) == 0x0800 && (dns || icmp_error);
  });
}

// The one A record of a DNS answer, as "a.b.c.d" (it is the last 4 bytes).
std::string AnswerAddress(const Bytes& f) {
  if (f[23] != IPPROTO_UDP || frames::Be16(f, kUdpPayload + 6) != 1) {
    return "no single answer";
  }
  const std::uint32_t a = frames::Be32(f, f.size() - 4);
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." +
         std::to_string((a >> 8) & 0xff) + "." + std::to_string(a & 0xff);
}

TEST(GuestHostServices, DhcpOffersTheGuestItsOwnReservationNotAnotherVms) {
  Netns host;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.StartDhcp(kHosts, kDhcpHosts);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // It asks for web's address; dnsmasq offers its own reservation.
  const std::uint32_t xid = 0x5eed0001;
  const std::optional<Bytes> offer = DhcpExchange(
      guest, frames::Dhcp(1, guest.guest_mac(), xid, frames::Ip4("172.16.7.20")), xid, 2);
  ASSERT_TRUE(offer.has_value()) << "no DHCPOFFER";
  EXPECT_EQ(OfferedAddress(*offer), frames::Ip4("172.16.7.10"));
}

TEST(GuestHostServices, DhcpHostNameCannotTakeAnotherVmsDnsName) {
  Netns host;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.StartDhcp(kHosts, kDhcpHosts);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::uint32_t xid = 0x5eed0002;
  ASSERT_TRUE(
      DhcpExchange(guest, frames::Dhcp(3, guest.guest_mac(), xid, kGuest, kGateway, "web"), xid, 5)
          .has_value())
      << "no DHCPACK";
  const std::optional<Bytes> web = Dns(guest, kGateway, "web.demo.qc", 1);
  ASSERT_TRUE(web.has_value()) << "no DNS answer at the gateway";
  EXPECT_EQ(AnswerAddress(*web), "172.16.7.20");
}

TEST(GuestHostServices, DnsAnswersOnlyAtTheGatewayAddress) {
  Netns host;
  Netns outside;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.AddUplink(outside);
  guest.StartDhcp(kHosts, kDhcpHosts);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  std::optional<Bytes> at_gateway;
  ASSERT_TRUE(WaitFor(
      [&] { return (at_gateway = Dns(guest, kGateway, "g1.demo.qc", 2)).has_value(); }, 20000, 0));
  EXPECT_EQ(AnswerAddress(*at_gateway), "172.16.7.10");
  // The host's address on its uplink: port unreachable, no DNS server there.
  const std::optional<Bytes> at_uplink =
      Dns(guest, frames::Ip4(FakeGuest::kHostUplinkIp), "g1.demo.qc", 3);
  ASSERT_TRUE(at_uplink.has_value());
  EXPECT_EQ((*at_uplink)[23], IPPROTO_ICMP) << "dnsmasq answered on the host's uplink address";
}

// Services bound to the host's loopback stay out of reach (127.0.0.0/8 from
// a bridge is a martian destination); the same service on all addresses is
// reachable at the gateway and at the host's other addresses, as for any
// machine on a network the host routes for.
TEST(GuestHostServices, LoopbackServicesAreOutOfReach) {
  Netns host;
  Netns outside;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.AddUplink(outside);
  ASSERT_EQ(host.Run("(socat TCP-LISTEN:7001,bind=127.0.0.1,fork /dev/null & "
                     "socat TCP-LISTEN:7002,fork /dev/null &) && sleep 0.5")
                .exit_code,
            0);
  auto syn_ack_from = [&](const char* dst, std::uint16_t port) {
    const std::uint32_t d = frames::Ip4(dst);
    guest.Send(guest.ToGateway(frames::TcpSyn(kGuest, d, 45000, port)));
    return guest
        .Receive(
            [&](const Bytes& f) {
              return frames::Be16(f, 12) == 0x0800 && f.size() >= 54 && f[23] == IPPROTO_TCP &&
                     frames::Be32(f, 26) == d && frames::Be16(f, 34) == port && f[47] == 0x12;
            },
            3000)
        .has_value();
  };
  EXPECT_TRUE(syn_ack_from(FakeGuest::kGateway, 7002));
  EXPECT_TRUE(syn_ack_from(FakeGuest::kHostUplinkIp, 7002));
  EXPECT_FALSE(syn_ack_from("127.0.0.1", 7001));
  EXPECT_FALSE(syn_ack_from("127.0.0.1", 7002));
  EXPECT_EQ(host.Run("ss -Htn state syn-recv '( sport = :7001 )'").out, "");
}

// A guest claiming, by ARP, to be the host's upstream router (an address of
// another link) does not get the host's traffic for it.
TEST(GuestHostServices, ArpClaimsDoNotRedirectTheHostsTrafficForOtherLinks) {
  Netns host;
  Netns outside;
  FakeGuest guest(host);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  guest.AddUplink(outside);
  const std::uint32_t router = frames::Ip4(FakeGuest::kOutsideIp);
  const frames::Mac broadcast = frames::ParseMac("ff:ff:ff:ff:ff:ff");
  for (const std::uint16_t op : {1, 2}) {  // gratuitous request and reply
    ASSERT_TRUE(guest.Send(
        frames::Ethernet(broadcast, guest.guest_mac(), 0x0806,
                         frames::Arp(op, guest.guest_mac(), router, broadcast, router))));
  }
  ASSERT_TRUE(guest.Send(
      frames::Ethernet(guest.gateway_mac(), guest.guest_mac(), 0x0806,
                       frames::Arp(2, guest.guest_mac(), router, guest.gateway_mac(), kGateway))));
  ASSERT_TRUE(guest.Settle());
  EXPECT_EQ(host.Run("busybox ping -c 1 -W 5 198.51.100.1 >/dev/null").exit_code, 0);
  EXPECT_FALSE(guest.Receive(
      [&](const Bytes& f) {
        return frames::Be16(f, 12) == 0x0800 && frames::Be32(f, 30) == router;
      },
      1000))
      << "the host sent the guest a packet for its upstream router";
}

}  // namespace
}  // namespace qc::itest
