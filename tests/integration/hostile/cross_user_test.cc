// User B against user A's objects (CVE-2017-5985: lxc-user-nic acted on
// objects the caller did not own): every request is refused, nothing in the
// namespace changes, and A's project keeps working. Also: two users racing
// to create the same bridge name end with exactly one owner.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "hostile_util.h"

namespace qc::itest {
namespace {

struct Victim {
  HelperClient helper;
  std::vector<int> tap_fds;
  int dnsmasq_pid = 0;
  ~Victim() {
    for (int fd : tap_fds) {
      close(fd);
    }
  }
};

// A's project: a bridge with an address, a TAP whose fd A holds, NAT and dnsmasq.
void SetUpVictim(const Netns& ns, Victim* v) {
  StartHello(&v->helper, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(v->helper.Call(CreateBridgeReq("qc-victim"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(v->helper.Call(AddAddressReq("qc-victim", "172.16.70.1/24"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(v->helper.Call(CreateTapReq("tap-victim", "qc-victim"), &r, &v->tap_fds));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(v->helper.Call(EnableNatReq("qc-victim"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(v->helper.Call(StartDhcpReq("qc-victim", ScratchDir(UserA()), "victim.test"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  v->dnsmasq_pid = r.dhcp().pid();
  ASSERT_TRUE(WaitOperUp(ns, "qc-victim"));
}

TEST(HostileCrossUser, Cve2017_5985_UserBCannotTouchAnythingOfUserA) {
  Netns ns;
  Victim a;
  ASSERT_NO_FATAL_FAILURE(SetUpVictim(ns, &a));
  HelperClient b;
  StartHello(&b, ns, UserB());
  const std::string before_b = NetDump(ns);
  netd::Reply r;
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&b, "qc-b-own"));
  std::string b_dir = ScratchDir(UserB());
  std::string before = NetDump(ns);
  std::string not_yours =
      "not a bridge created by qemu-compose for uid " + std::to_string(UserB().uid);
  struct Case {
    const char* what;
    netd::Request req;
    netd::Status status;
    std::string says;
  };
  for (const Case& k : {
           Case{"DeleteBridge", DeleteBridgeReq("qc-victim"), netd::PERMISSION_DENIED, not_yours},
           Case{"AddAddress", AddAddressReq("qc-victim", "172.16.71.1/24"), netd::PERMISSION_DENIED,
                not_yours},
           Case{"CreateTap on A's bridge", CreateTapReq("tap-b", "qc-victim"),
                netd::PERMISSION_DENIED, not_yours},
           Case{"DeleteTap", DeleteTapReq("tap-victim"), netd::PERMISSION_DENIED,
                "tap-victim is not a TAP created by qemu-compose for uid " +
                    std::to_string(UserB().uid)},
           Case{"EnableNat", EnableNatReq("qc-victim"), netd::PERMISSION_DENIED, not_yours},
           Case{"DisableNat", DisableNatReq("qc-victim"), netd::PERMISSION_DENIED, not_yours},
           Case{"StartDhcp", StartDhcpReq("qc-victim", b_dir, "b.test"), netd::PERMISSION_DENIED,
                not_yours},
           Case{"CreateBridge of A's name", CreateBridgeReq("qc-victim"), netd::CONFLICT,
                "already exists and is not a qemu-compose bridge of uid"},
           Case{"CreateTap of A's TAP name", CreateTapReq("tap-victim", "qc-b-own"), netd::CONFLICT,
                "TAP tap-victim: a link of that name already exists"},
           Case{"AddAddress with A's subnet", AddAddressReq("qc-b-own", "172.16.70.1/24"),
                netd::CONFLICT, "overlaps address 172.16.70.1/24 on qc-victim"},
           Case{"AddAddress with a subnet inside A's", AddAddressReq("qc-b-own", "172.16.0.1/16"),
                netd::CONFLICT, "overlaps"},
       }) {
    EXPECT_EQ(ExpectReply(&b, k.req, k.status, k.says), "") << k.what;
  }
  // B's view of the world holds only B's own bridge.
  ASSERT_TRUE(b.Call(ListOwnedReq(), &r));
  ASSERT_EQ(r.owned().links_size(), 1);
  EXPECT_EQ(r.owned().links(0).name(), "qc-b-own");
  EXPECT_EQ(NetDump(ns), before);
  // Deleting B's own bridge stops only B's dnsmasq and NAT rules (there are none).
  ASSERT_TRUE(b.Call(DeleteBridgeReq("qc-b-own"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_EQ(NetDump(ns), before_b);

  // A's project still works: dnsmasq alive as A, TAP carries frames, NAT on.
  EXPECT_TRUE(Alive(a.dnsmasq_pid));
  std::string uid_line = StatusField(a.dnsmasq_pid, "Uid");
  EXPECT_EQ(uid_line.substr(0, uid_line.find('\t')), std::to_string(UserA().uid));
  EXPECT_TRUE(TapCarriesFrames(ns, a.tap_fds.at(0), "qc-victim"));
  ASSERT_TRUE(a.helper.Call(ListOwnedReq(), &r));
  ASSERT_EQ(r.owned().links_size(), 2);
  for (const netd::OwnedLink& l : r.owned().links()) {
    if (l.kind() == "bridge") {
      EXPECT_TRUE(l.nat());
      EXPECT_EQ(l.addresses_size(), 1);
    } else {
      EXPECT_EQ(l.master(), "qc-victim");
    }
  }
  ASSERT_TRUE(a.helper.Call(StartDhcpReq("qc-victim", ScratchDir(UserA()), "victim.test"), &r));
  EXPECT_TRUE(r.already_existed());
  EXPECT_EQ(r.dhcp().pid(), a.dnsmasq_pid);
}

TEST(HostileCrossUser, TwoUsersRacingForOneBridgeNameGetExactlyOneOwner) {
  Netns ns;
  HelperClient a;
  HelperClient b;
  StartHello(&a, ns, UserA());
  StartHello(&b, ns, UserB());
  for (int round = 0; round < 12; ++round) {
    std::string name = "qc-race" + std::to_string(round);
    std::atomic<int> ready{0};
    netd::Reply ra;
    netd::Reply rb;
    bool oka = false;
    bool okb = false;
    auto racer = [&](HelperClient* c, netd::Reply* r, bool* ok) {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      *ok = c->Call(CreateBridgeReq(name), r);
    };
    std::thread ta(racer, &a, &ra, &oka);
    std::thread tb(racer, &b, &rb, &okb);
    ta.join();
    tb.join();
    ASSERT_TRUE(oka && okb);
    bool a_won = ra.status() == netd::OK;
    bool b_won = rb.status() == netd::OK;
    ASSERT_NE(a_won, b_won) << name << ": A " << ra.message() << " / B " << rb.message();
    const netd::Reply& loser = a_won ? rb : ra;
    EXPECT_EQ(loser.status(), netd::CONFLICT) << loser.message();
    EXPECT_NE(loser.message().find("already exists"), std::string::npos) << loser.message();
    const User& winner = a_won ? UserA() : UserB();
    EXPECT_NE(ns.Run("ip -d link show " + name)
                  .out.find("alias qemu-compose:uid=" + std::to_string(winner.uid) + "\n"),
              std::string::npos);
    netd::Reply r;
    ASSERT_TRUE((a_won ? a : b).Call(DeleteBridgeReq(name), &r));
    ASSERT_EQ(r.status(), netd::OK) << r.message();
  }
}

}  // namespace
}  // namespace qc::itest
