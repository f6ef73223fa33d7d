// Bridges: creation, idempotence, name rules and ownership.
#include <gtest/gtest.h>

#include "helper_test_util.h"

namespace qc::itest {
namespace {

TEST(HelperBridge, CreateIsIdempotentOwnedAndUp) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-br1"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_FALSE(r.already_existed());
  CmdResult link = ns.Run("ip -d link show qc-br1");
  EXPECT_NE(link.out.find("alias qemu-compose:uid=" + std::to_string(UserA().uid)),
            std::string::npos)
      << link.out;
  EXPECT_NE(link.out.find("bridge"), std::string::npos);
  EXPECT_NE(link.out.find(",UP"), std::string::npos) << link.out;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-br1"), &r));
  EXPECT_EQ(r.status(), netd::OK);
  EXPECT_TRUE(r.already_existed());
  ASSERT_TRUE(c.Call(AddAddressReq("qc-br1", "172.16.5.1/24"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_NE(ns.Run("ip -4 addr show qc-br1").out.find("172.16.5.1/24"), std::string::npos);
  ASSERT_TRUE(c.Call(ListOwnedReq(), &r));
  ASSERT_EQ(r.owned().links_size(), 1);
  EXPECT_EQ(r.owned().links(0).name(), "qc-br1");
  EXPECT_EQ(r.owned().links(0).kind(), "bridge");
  ASSERT_EQ(r.owned().links(0).addresses_size(), 1);
  EXPECT_EQ(r.owned().links(0).addresses(0), "172.16.5.1/24");
  ASSERT_TRUE(c.Call(DeleteBridgeReq("qc-br1"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_NE(ns.Run("ip link show qc-br1").exit_code, 0);
  ASSERT_TRUE(c.Call(DeleteBridgeReq("qc-br1"), &r));  // already gone: fine
  EXPECT_EQ(r.status(), netd::OK);
  EXPECT_TRUE(r.already_existed());
}

TEST(HelperBridge, BadNamesAreRefusedAndNothingChanges) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  std::string before = NetDump(ns);
  for (const std::string& name :
       {std::string("qc-"), std::string("qc-abcdefghijklm"), std::string("qc-UPPER"),
        std::string("qc-a_b"), std::string("qc-a.b"), std::string("eth0"), std::string("lo"),
        std::string("tap-x"), std::string("qc-a\nb"), std::string("qc-a b"),
        std::string("qc-ab\0cd", 8), std::string("xqc-a"), std::string("")}) {
    netd::Reply r;
    ASSERT_TRUE(c.Call(CreateBridgeReq(name), &r));
    EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << name;
    EXPECT_NE(r.message().find("invalid bridge name"), std::string::npos) << r.message();
    ASSERT_TRUE(c.Call(DeleteBridgeReq(name), &r));
    EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << name;
  }
  // 15 characters, the longest allowed: created without truncation
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-abcdefghijkl"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(c.Call(DeleteBridgeReq("qc-abcdefghijkl"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_EQ(NetDump(ns), before);
}

TEST(HelperBridge, OtherUsersBridgeCannotBeTouched) {
  Netns ns;
  HelperClient a;
  HelperClient b;
  StartHello(&a, ns, UserA());
  StartHello(&b, ns, UserB());
  netd::Reply r;
  ASSERT_TRUE(a.Call(CreateBridgeReq("qc-owned-a"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(a.Call(AddAddressReq("qc-owned-a", "172.16.7.1/24"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  std::string before = NetDump(ns);
  for (const netd::Request& req :
       {DeleteBridgeReq("qc-owned-a"), AddAddressReq("qc-owned-a", "172.16.8.1/24"),
        CreateTapReq("tap-b", "qc-owned-a"), EnableNatReq("qc-owned-a"),
        DisableNatReq("qc-owned-a"), StartDhcpReq("qc-owned-a", "/tmp", "b.test")}) {
    ASSERT_TRUE(b.Call(req, &r));
    EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << r.message();
    EXPECT_NE(r.message().find("not a bridge created by qemu-compose"), std::string::npos);
  }
  ASSERT_TRUE(b.Call(CreateBridgeReq("qc-owned-a"), &r));
  EXPECT_EQ(r.status(), netd::CONFLICT);
  ASSERT_TRUE(b.Call(ListOwnedReq(), &r));
  EXPECT_EQ(r.owned().links_size(), 0);
  EXPECT_EQ(NetDump(ns), before);
}

TEST(HelperBridge, ForeignAndLookAlikeBridgesCannotBeTouched) {
  Netns ns;
  std::string uid = std::to_string(UserA().uid);
  // Made by another tool, or by root with aliases that merely resemble ours.
  ASSERT_EQ(
      ns.Run("ip link add qc-foreign type bridge && "
             "ip link add qc-look1 type bridge && ip link set qc-look1 alias 'qemu-compose:uid=" +
             uid +
             "0' && ip link add qc-look2 type bridge && ip link set qc-look2 alias "
             "'qemu-compose:uid=" +
             uid +
             " ' && ip link add qc-look3 type bridge && "
             "ip link set qc-look3 alias 'qemu-compose:uid=0" +
             uid +
             "' && "
             "ip link add qc-dummy type veth peer name qc-peer && ip link set qc-dummy alias "
             "'qemu-compose:uid=" +
             uid + "'")
          .exit_code,
      0);
  std::string before = NetDump(ns);
  HelperClient a;
  StartHello(&a, ns, UserA());
  netd::Reply r;
  for (const char* name : {"qc-foreign", "qc-look1", "qc-look2", "qc-look3", "qc-dummy"}) {
    ASSERT_TRUE(a.Call(DeleteBridgeReq(name), &r));
    EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << name;
    ASSERT_TRUE(a.Call(AddAddressReq(name, "172.16.9.1/24"), &r));
    EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << name;
    ASSERT_TRUE(a.Call(CreateBridgeReq(name), &r));
    EXPECT_EQ(r.status(), netd::CONFLICT) << name;
    ASSERT_TRUE(a.Call(CreateTapReq("tap-x", name), &r));
    EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << name;
  }
  ASSERT_TRUE(a.Call(ListOwnedReq(), &r));
  EXPECT_EQ(r.owned().links_size(), 0);
  EXPECT_EQ(NetDump(ns), before);
}

}  // namespace
}  // namespace qc::itest
