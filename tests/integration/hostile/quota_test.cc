// Quotas from the administrator's policy: the request past each quota is
// refused with a reason naming the quota and changes nothing; deleting one
// object frees exactly one slot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include "hostile_util.h"

namespace qc::itest {
namespace {

class HostileQuota : public ::testing::Test {
 protected:
  PolicyHelper policy_;
};

TEST_F(HostileQuota, BridgeQuotaRefusesTheNextAndFreesOnDelete) {
  policy_.WritePolicy("max_bridges = 2\n");
  Netns ns;
  ASSERT_EQ(ns.Run("ip link add qc-rootmade type bridge").exit_code, 0);  // not the caller's
  HelperClient a;
  a.Start(ns, UserA(), policy_.path());
  ASSERT_TRUE(a.Hello());
  netd::Reply r;
  for (const char* name : {"qc-q1", "qc-q2"}) {
    ASSERT_NO_FATAL_FAILURE(MakeBridge(&a, name));
  }
  std::string before = NetDump(ns);
  EXPECT_EQ(
      ExpectReply(&a, CreateBridgeReq("qc-q3"), netd::QUOTA_EXCEEDED, "bridge quota reached (2)"),
      "");
  // Asking again for an owned bridge is not a new one: still fine at the quota.
  EXPECT_EQ(ExpectReply(&a, CreateBridgeReq("qc-q2"), netd::OK, "already exists"), "");
  EXPECT_EQ(NetDump(ns), before);
  ASSERT_TRUE(a.Hello(&r));
  EXPECT_EQ(r.hello().quota().used_bridges(), 2U);
  EXPECT_EQ(r.hello().quota().max_bridges(), 2U);
  ASSERT_TRUE(a.Call(DeleteBridgeReq("qc-q1"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_EQ(ExpectReply(&a, CreateBridgeReq("qc-q3"), netd::OK, "created"), "");
  EXPECT_EQ(ExpectReply(&a, CreateBridgeReq("qc-q4"), netd::QUOTA_EXCEEDED, "bridge quota"), "");
}

TEST_F(HostileQuota, TwoSessionsOfOneUserCannotRaceFromOneSlotToTwoBridges) {
  policy_.WritePolicy("max_bridges = 1\n");
  Netns ns;
  for (int round = 0; round < 6; ++round) {
    HelperClient s1;
    HelperClient s2;
    s1.Start(ns, UserA(), policy_.path());
    s2.Start(ns, UserA(), policy_.path());
    ASSERT_TRUE(s1.Hello() && s2.Hello());
    std::atomic<int> ready{0};
    netd::Reply r1;
    netd::Reply r2;
    auto racer = [&](HelperClient* c, const char* name, netd::Reply* r) {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      c->Call(CreateBridgeReq(name), r);
    };
    std::thread t1(racer, &s1, "qc-slot1", &r1);
    std::thread t2(racer, &s2, "qc-slot2", &r2);
    t1.join();
    t2.join();
    int ok = (r1.status() == netd::OK ? 1 : 0) + (r2.status() == netd::OK ? 1 : 0);
    EXPECT_LE(ok, 1) << r1.message() << " / " << r2.message();
    for (const netd::Reply* r : {&r1, &r2}) {
      if (r->status() != netd::OK) {
        EXPECT_EQ(r->status(), netd::QUOTA_EXCEEDED) << r->message();
      }
    }
    netd::Reply list;
    ASSERT_TRUE(s1.Call(ListOwnedReq(), &list));
    EXPECT_EQ(list.owned().links_size(), ok);
    for (const netd::OwnedLink& l : list.owned().links()) {
      ASSERT_TRUE(s1.Call(DeleteBridgeReq(l.name()), &list));
    }
  }
}

TEST_F(HostileQuota, TapQuotaRefusesTheNextAndFreesOnCloseOrDelete) {
  policy_.WritePolicy("max_taps = 2\n");
  Netns ns;
  HelperClient a;
  a.Start(ns, UserA(), policy_.path());
  ASSERT_TRUE(a.Hello());
  netd::Reply r;
  ASSERT_TRUE(a.Call(CreateBridgeReq("qc-tq"), &r));
  std::vector<int> fd1;
  std::vector<int> fd2;
  ASSERT_TRUE(a.Call(CreateTapReq("tap-q1", "qc-tq"), &r, &fd1));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(a.Call(CreateTapReq("tap-q2", "qc-tq", 4), &r, &fd2));  // 4 queues, 1 TAP
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(WaitOperUp(ns, "qc-tq"));
  std::string before = NetDump(ns);
  EXPECT_EQ(ExpectReply(&a, CreateTapReq("tap-q3", "qc-tq"), netd::QUOTA_EXCEEDED,
                        "TAP quota reached (2)"),
            "");
  EXPECT_EQ(NetDump(ns), before);
  // The last fd closed: the kernel removes the TAP and its slot is free.
  close(fd1[0]);
  std::vector<int> fd3;
  ASSERT_TRUE(a.Call(CreateTapReq("tap-q3", "qc-tq"), &r, &fd3));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_EQ(ExpectReply(&a, CreateTapReq("tap-q4", "qc-tq"), netd::QUOTA_EXCEEDED, "TAP quota"),
            "");
  // DeleteTap frees a slot even while the fds are still open.
  ASSERT_TRUE(a.Call(DeleteTapReq("tap-q2"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  std::vector<int> fd4;
  ASSERT_TRUE(a.Call(CreateTapReq("tap-q4", "qc-tq"), &r, &fd4));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  for (const auto* v : {&fd2, &fd3, &fd4}) {
    for (int fd : *v) {
      close(fd);
    }
  }
}

TEST_F(HostileQuota, DnsmasqQuotaRefusesTheNextAndFreesOnDelete) {
  Netns ns;
  std::string dir = ScratchDir(UserB());
  ASSERT_EQ(ns.Run("mkdir " + dir + "/d1 " + dir + "/d2 && chown " + UserB().name + " " + dir +
                   "/d1 " + dir + "/d2")
                .exit_code,
            0);
  policy_.WritePolicy("");
  {
    HelperClient setup;
    setup.Start(ns, UserB(), policy_.path());
    ASSERT_TRUE(setup.Hello());
    ASSERT_NO_FATAL_FAILURE(MakeBridge(&setup, "qc-dq1", "172.16.96.1/24"));
    ASSERT_NO_FATAL_FAILURE(MakeBridge(&setup, "qc-dq2", "172.16.97.1/24"));
  }
  // dnsmasq instances are counted per user across the host (other tests may
  // run some as the same user): leave room for exactly one more than user B
  // runs right now, and try again if that number moved meanwhile.
  std::unique_ptr<HelperClient> b;
  std::string max;
  netd::Reply r;
  for (int attempt = 0; attempt < 5; ++attempt) {
    {
      HelperClient probe;
      probe.Start(ns, UserB(), policy_.path());
      ASSERT_TRUE(probe.Hello(&r));
    }
    max = std::to_string(r.hello().quota().used_dnsmasq() + 1);
    policy_.WritePolicy("max_dnsmasq = " + max + "\n");
    b = std::make_unique<HelperClient>();
    b->Start(ns, UserB(), policy_.path());
    ASSERT_TRUE(b->Hello());
    ASSERT_TRUE(b->Call(StartDhcpReq("qc-dq1", dir + "/d1", "dq.test"), &r));
    if (r.status() != netd::QUOTA_EXCEEDED) {
      break;
    }
    policy_.WritePolicy("");
  }
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  int first = r.dhcp().pid();
  std::string before = NetDump(ns);
  EXPECT_EQ(ExpectReply(b.get(), StartDhcpReq("qc-dq2", dir + "/d2", "dq.test"),
                        netd::QUOTA_EXCEEDED, "dnsmasq quota reached (" + max + ")"),
            "");
  EXPECT_EQ(NetDump(ns), before);
  EXPECT_EQ(ReadFile(dir + "/d2/dnsmasq.pid"), "");
  // Deleting the first bridge stops its dnsmasq, which frees the slot.
  ASSERT_TRUE(b->Call(DeleteBridgeReq("qc-dq1"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(WaitFor([&] { return !Alive(first); }, 20000));
  EXPECT_EQ(ExpectReply(b.get(), StartDhcpReq("qc-dq2", dir + "/d2", "dq.test"), netd::OK,
                        "dnsmasq serving qc-dq2"),
            "");
}

}  // namespace
}  // namespace qc::itest
