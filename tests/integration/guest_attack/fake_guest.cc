#include "fake_guest.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "helper_test_util.h"
#include "hostile_util.h"

namespace qc::itest {

using frames::Bytes;

constexpr std::size_t kVnetHdr = 10;  // struct virtio_net_hdr (IFF_VNET_HDR)

FakeGuest::FakeGuest(const Netns& host) : host_(host) {
  Init();
}

void FakeGuest::Init() {
  StartHello(&helper_, host_, UserA());
  MakeBridge(&helper_, kBridge, std::string(kGateway) + "/24");
  netd::Reply r;
  for (const netd::Request& req : {SetForwardingReq(), EnableNatReq(kBridge)}) {
    ASSERT_TRUE(helper_.Call(req, &r));
    ASSERT_EQ(r.status(), netd::OK) << r.message();
  }
  std::vector<int> fds;
  ASSERT_TRUE(helper_.Call(CreateTapReq(kTap, kBridge), &r, &fds));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_EQ(fds.size(), 1U);
  tap_fd_ = fds[0];
  gateway_mac_ =
      frames::ParseMac(host_.Run(std::string("cat /sys/class/net/") + kBridge + "/address").out);
  // What answering ARP would give; the guests here never answer it.
  ASSERT_EQ(host_
                .Run(std::string("ip neigh replace ") + kGuestIp + " lladdr 52:54:00:12:34:56 " +
                     "dev " + kBridge + " nud permanent")
                .exit_code,
            0);
  ASSERT_TRUE(TapCarriesFrames(host_, tap_fd_, kBridge));
  ASSERT_TRUE(Settle()) << "the host does not answer the guest's ping to its gateway";
}

FakeGuest::~FakeGuest() {
  if (tap_fd_ >= 0) {
    close(tap_fd_);
  }
}

int FakeGuest::SendRaw(const Bytes& bytes) {
  return write(tap_fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) ? 0
                                                                                          : errno;
}

bool FakeGuest::Send(const Bytes& frame) {
  Bytes b(kVnetHdr, 0);
  b.insert(b.end(), frame.begin(), frame.end());
  return SendRaw(b) == 0;
}

std::optional<Bytes> FakeGuest::Receive(const std::function<bool(const Bytes&)>& match, int ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  Bytes buf(70000);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{tap_fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      return std::nullopt;
    }
    const ssize_t n = read(tap_fd_, buf.data(), buf.size());
    if (n > static_cast<ssize_t>(kVnetHdr)) {
      Bytes frame(buf.begin() + kVnetHdr, buf.begin() + n);
      if (match(frame)) {
        return frame;
      }
    }
  }
}

Bytes FakeGuest::ToGateway(const Bytes& ip_packet) const {
  return frames::Ethernet(gateway_mac_, guest_mac_, 0x0800, ip_packet);
}

bool FakeGuest::Settle() {
  const std::uint16_t id = ++echo_id_;
  const std::uint32_t src = frames::Ip4(kGuestIp);
  const std::uint32_t dst = frames::Ip4(kGateway);
  if (!Send(ToGateway(frames::Ipv4(src, dst, IPPROTO_ICMP,
                                   frames::Icmp4(8, 0, (id << 16) | 1, Bytes(16, 0xab)))))) {
    return false;
  }
  // Echo reply (type 0) with our id, from the gateway.
  return Receive([&](const Bytes& f) {
           return frames::Be16(f, 12) == 0x0800 && f.size() > 42 && f[23] == IPPROTO_ICMP &&
                  f[34] == 0 && frames::Be16(f, 38) == id;
         })
      .has_value();
}

void FakeGuest::AddUplink(const Netns& outside) {
  outside_ = &outside;
  ASSERT_EQ(
      host_
          .Run("ip link add uplink type veth peer name eth0 netns " + outside.name() +
               " && ip addr add " + kHostUplinkIp + "/24 dev uplink && ip link set uplink up" +
               " && ip route add default via " + kOutsideIp)
          .exit_code,
      0);
  ASSERT_EQ(
      outside
          .Run(std::string("ip addr add ") + kOutsideIp +
               "/24 dev eth0 && ip link set eth0 up && nft add table ip watch && "
               "nft add chain ip watch pre '{ type filter hook prerouting priority -300; }' && "
               "nft add chain ip watch wire '{ type filter hook prerouting priority -450; }'")
          .exit_code,
      0);
}

void FakeGuest::Watch(const std::string& name, const std::string& match, bool on_the_wire) const {
  ASSERT_NE(outside_, nullptr);
  const CmdResult r = outside_->Run("nft add counter ip watch " + name +
                                    " && nft add rule ip watch " + (on_the_wire ? "wire" : "pre") +
                                    " 'iifname eth0 " + match + " counter name " + name + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

long FakeGuest::Seen(const std::string& name) const {
  const std::string out = outside_->Run("nft list counter ip watch " + name).out;
  const std::size_t at = out.find("packets ");
  return at == std::string::npos ? -1 : std::atol(out.c_str() + at + 8);
}

void FakeGuest::StartDhcp(const std::string& hosts, const std::string& dhcp_hosts) {
  const std::string dir = ScratchDir(UserA());
  const CmdResult w =
      host_.RunAs(UserA(), "printf '" + hosts + "' > " + dir + "/hosts && printf '" + dhcp_hosts +
                               "' > " + dir + "/dhcp-hosts");
  ASSERT_EQ(w.exit_code, 0) << w.err;
  netd::Reply r;
  ASSERT_TRUE(helper_.Call(StartDhcpReq(kBridge, dir, "demo.qc"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
}

}  // namespace qc::itest
