// A guest without QEMU: what `qemu-compose up` sets up for one VM (user A's
// helper made bridge qc-g with 172.16.7.1/24, forwarding and NAT, and a TAP
// on it), with the test holding the TAP fd. Whatever the test writes there is
// what a hostile guest kernel could send; whatever it reads is what the host
// sends to the guest. Optionally an uplink to an "outside" namespace
// (198.51.100.1/24, the host's default route) whose nftables counters show
// what leaves the host.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "client.h"
#include "frames.h"
#include "harness.h"

namespace qc::itest {

class FakeGuest {
 public:
  static constexpr char kBridge[] = "qc-g";
  static constexpr char kTap[] = "tap-g";
  static constexpr char kGateway[] = "172.16.7.1";
  static constexpr char kGuestIp[] = "172.16.7.10";
  static constexpr char kHostUplinkIp[] = "198.51.100.2";
  static constexpr char kOutsideIp[] = "198.51.100.1";

  // Sets it all up in `host` (asserting on failure: check HasFatalFailure()).
  explicit FakeGuest(const Netns& host);
  ~FakeGuest();
  FakeGuest(const FakeGuest&) = delete;
  FakeGuest& operator=(const FakeGuest&) = delete;

  // Writes one frame (behind an all-zero virtio_net_hdr); false if the TAP refused it.
  bool Send(const frames::Bytes& frame);
  // Writes raw bytes, virtio_net_hdr included; the errno of a refused write, or 0.
  int SendRaw(const frames::Bytes& bytes);
  // The first frame the host sends to the guest within `ms` for which `match`
  // is true (the virtio_net_hdr stripped).
  std::optional<frames::Bytes> Receive(const std::function<bool(const frames::Bytes&)>& match,
                                       int ms = 10000);
  // An ICMP echo to the gateway answered: the host has processed every frame
  // written before (a TAP's frames are processed in order).
  bool Settle();

  // An IPv4 packet from the guest's MAC to the gateway's MAC.
  frames::Bytes ToGateway(const frames::Bytes& ip_packet) const;

  // Connects the "outside" namespace by a veth uplink.
  void AddUplink(const Netns& outside);
  // Counts, in `outside`, packets arriving on its end of the uplink that match
  // the nft expression (e.g. "ip saddr 203.0.113.9"), under `name`: as IP
  // sees them (fragments reassembled), or with `on_the_wire` before reassembly.
  void Watch(const std::string& name, const std::string& match, bool on_the_wire = false) const;
  long Seen(const std::string& name) const;

  // dnsmasq on the bridge (StartDhcp) with these hosts and dhcp-hosts files
  // (lines as qemu-compose writes them), domain demo.qc.
  void StartDhcp(const std::string& hosts, const std::string& dhcp_hosts);

  const frames::Mac& guest_mac() const { return guest_mac_; }
  const frames::Mac& gateway_mac() const { return gateway_mac_; }
  HelperClient& helper() { return helper_; }

 private:
  void Init();  // the constructor's work (gtest's ASSERTs need a void function)

  const Netns& host_;
  const Netns* outside_ = nullptr;
  HelperClient helper_;
  int tap_fd_ = -1;
  frames::Mac guest_mac_ = frames::ParseMac("52:54:00:12:34:56");
  frames::Mac gateway_mac_{};
  std::uint16_t echo_id_ = 0x4000;
};

}  // namespace qc::itest
