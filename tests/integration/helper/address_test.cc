// Gateway addresses: rules, overlap with the host, and the race between helpers.
#include <gtest/gtest.h>

#include <thread>

#include "helper_test_util.h"

namespace qc::itest {
namespace {

TEST(HelperAddress, RefusesBadOrOverlappingSubnetsAndChangesNothing) {
  Netns ns;
  ASSERT_EQ(
      ns.Run("ip link add veth-x type veth peer name veth-y && ip addr add 172.16.20.5/24 dev "
             "veth-x && ip link set veth-x up && ip route add 172.16.30.0/23 dev veth-x && "
             "ip route add default dev veth-x")
          .exit_code,
      0);
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-addr"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  std::string before = NetDump(ns);
  struct Case {
    const char* cidr;
    netd::Status status;
    const char* says;
  };
  for (const Case& k :
       {Case{"172.16.1.1/25", netd::INVALID_ARGUMENT, "smaller than a /24"},
        Case{"172.16.0.1/15", netd::INVALID_ARGUMENT, "prefix must be 16..24"},
        Case{"172.16.1.2/24", netd::INVALID_ARGUMENT, "first host"},
        Case{"172.16.1.0/24", netd::INVALID_ARGUMENT, "first host"},
        Case{"172.16.1.1", netd::INVALID_ARGUMENT, "CIDR"},
        Case{"172.16.1.1/024", netd::INVALID_ARGUMENT, "prefix"},
        Case{"172.016.1.1/24", netd::INVALID_ARGUMENT, "IPv4"},
        Case{"hello/24", netd::INVALID_ARGUMENT, "IPv4"},
        Case{"10.1.2.1/24", netd::PERMISSION_DENIED, "outside the allowed pools"},
        Case{"192.168.1.1/24", netd::PERMISSION_DENIED, "outside the allowed pools"},
        Case{"172.16.20.1/24", netd::CONFLICT, "172.16.20.5/24 on veth-x"},
        Case{"172.16.0.1/16", netd::CONFLICT, "overlaps"},
        Case{"172.16.31.1/24", netd::CONFLICT, "route 172.16.30.0/23"}}) {
    ASSERT_TRUE(c.Call(AddAddressReq("qc-addr", k.cidr), &r));
    EXPECT_EQ(r.status(), k.status) << k.cidr << ": " << r.message();
    EXPECT_NE(r.message().find(k.says), std::string::npos) << k.cidr << ": " << r.message();
  }
  EXPECT_EQ(NetDump(ns), before);
  // The default route does not count; a free /24 works; a second address does not.
  ASSERT_TRUE(c.Call(AddAddressReq("qc-addr", "172.16.40.1/24"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(c.Call(AddAddressReq("qc-addr", "172.16.40.1/24"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_TRUE(r.already_existed());
  ASSERT_TRUE(c.Call(AddAddressReq("qc-addr", "172.16.41.1/24"), &r));
  EXPECT_EQ(r.status(), netd::CONFLICT) << r.message();
}

TEST(HelperAddress, EightHelpersRacingForOneSubnetHaveExactlyOneWinner) {
  Netns ns;
  constexpr int kHelpers = 8;
  HelperClient clients[kHelpers];
  for (int i = 0; i < kHelpers; ++i) {
    StartHello(&clients[i], ns, i % 2 == 0 ? UserA() : UserB());
    netd::Reply r;
    ASSERT_TRUE(clients[i].Call(CreateBridgeReq("qc-race" + std::to_string(i)), &r));
    ASSERT_EQ(r.status(), netd::OK) << r.message();
  }
  netd::Reply replies[kHelpers];
  bool answered[kHelpers] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < kHelpers; ++i) {
    threads.emplace_back([&, i] {
      answered[i] = clients[i].Call(AddAddressReq("qc-race" + std::to_string(i), "172.16.99.1/24"),
                                    &replies[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  int winners = 0;
  for (int i = 0; i < kHelpers; ++i) {
    ASSERT_TRUE(answered[i]);
    if (replies[i].status() == netd::OK) {
      ++winners;
    } else {
      EXPECT_EQ(replies[i].status(), netd::CONFLICT) << replies[i].message();
    }
  }
  EXPECT_EQ(winners, 1);
  CmdResult addrs = ns.Run("ip -4 -o addr show | grep -c '172.16.99.1/24'");
  EXPECT_EQ(addrs.out, "1\n");
}

}  // namespace
}  // namespace qc::itest
