// NatEnable/NatDisable against the real kernel, checked with `nft list`, inside
// the private network namespace set up by private_netns.cc.
#include <gtest/gtest.h>

#include <string>

#include "nat/nat.h"
#include "netns_test_util.h"

namespace qc::netd {
namespace {

using nattest::BridgeChains;
using nattest::Net;
using nattest::Sh;

std::string Table() {
  return Sh("nft list table ip qemu_compose");
}

class NatKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(NatEnable("qc-one", Net("172.30.1.0/24"), &err)) << err;
    ASSERT_TRUE(NatEnable("qc-two", Net("172.30.2.0/24"), &err)) << err;
  }
  void TearDown() override { Sh("nft delete table ip qemu_compose"); }
};

// Each bridge has its own two chains, in the order they were created.
const std::string kBothBridges = "table ip qemu_compose {\n" +
                                 BridgeChains("qc-one", "172.30.1.0/24") + "\n" +
                                 BridgeChains("qc-two", "172.30.2.0/24") + "}\n";

TEST_F(NatKernel, TwoBridgesGetTheirOwnChains) {
  EXPECT_EQ(Table(), kBothBridges);
  EXPECT_TRUE(NatIsEnabled("qc-one"));
  EXPECT_TRUE(NatIsEnabled("qc-two"));
  EXPECT_FALSE(NatIsEnabled("qc-three"));
}

TEST_F(NatKernel, EnablingAgainLeavesTheSameRuleset) {
  std::string err;
  ASSERT_TRUE(NatEnable("qc-one", Net("172.30.1.0/24"), &err)) << err;
  ASSERT_TRUE(NatEnable("qc-one", Net("172.30.1.0/24"), &err)) << err;
  EXPECT_EQ(Table(), kBothBridges);
}

TEST_F(NatKernel, EnablingWithANewSubnetReplacesTheOldRules) {
  std::string err;
  ASSERT_TRUE(NatEnable("qc-one", Net("172.30.9.0/24"), &err)) << err;
  const std::string t = Table();
  EXPECT_EQ(t.find("172.30.1.0/24"), std::string::npos) << t;
  EXPECT_NE(t.find("ip saddr 172.30.9.0/24 oifname != \"qc-one\" masquerade"), std::string::npos);
  EXPECT_TRUE(NatIsEnabled("qc-one"));
}

TEST_F(NatKernel, DisableRemovesOnlyThatBridgeAndIsIdempotent) {
  std::string err;
  ASSERT_TRUE(NatDisable("qc-one", &err)) << err;
  EXPECT_FALSE(NatIsEnabled("qc-one"));
  EXPECT_TRUE(NatIsEnabled("qc-two"));
  const std::string t = Table();
  EXPECT_EQ(t.find("qc-one"), std::string::npos) << t;
  EXPECT_EQ(t, "table ip qemu_compose {\n" + BridgeChains("qc-two", "172.30.2.0/24") + "}\n");
  ASSERT_TRUE(NatDisable("qc-one", &err)) << err;
  EXPECT_EQ(Table(), t);
  ASSERT_TRUE(NatDisable("qc-two", &err)) << err;
  EXPECT_FALSE(NatIsEnabled("qc-two"));
  int status = 0;
  Sh("nft list table ip qemu_compose", &status);
  EXPECT_NE(status, 0) << "the last bridge's disable left the table behind";
}

TEST_F(NatKernel, RulesOutsideOurTableAreNeverTouched) {
  // Same comment, same chain names, but another table or another family.
  const std::string foreign =
      "nft add table ip other && nft add chain ip other forward && "
      "nft add rule ip other forward accept comment '\"qc-one\"' && "
      "nft add table inet qemu_compose && nft add chain inet qemu_compose forward && "
      "nft add rule inet qemu_compose forward accept comment '\"qc-one\"'";
  int status = -1;
  ASSERT_EQ(Sh(foreign, &status), "");
  ASSERT_EQ(status, 0);
  const std::string before = Sh("nft list table ip other; nft list table inet qemu_compose");
  std::string err;
  ASSERT_TRUE(NatDisable("qc-one", &err)) << err;
  ASSERT_TRUE(NatEnable("qc-one", Net("172.30.1.0/24"), &err)) << err;
  EXPECT_EQ(Sh("nft list table ip other; nft list table inet qemu_compose"), before);
  EXPECT_TRUE(NatIsEnabled("qc-one"));  // the foreign rules did not count as ours
  Sh("nft delete table ip other; nft delete table inet qemu_compose");
}

TEST(NatKernelNoTable, DisableAndQueryWithoutTableSucceed) {
  std::string err;
  EXPECT_TRUE(NatDisable("qc-none", &err)) << err;
  EXPECT_FALSE(NatIsEnabled("qc-none"));
  int status = 0;
  Sh("nft list table ip qemu_compose", &status);
  EXPECT_NE(status, 0) << "disabling where nothing was enabled left a table";
}

TEST(NatKernelNoTable, BadInputIsRejectedWithoutTouchingNftables) {
  std::string err;
  EXPECT_FALSE(NatEnable("eth0", Net("172.30.1.0/24"), &err));
  EXPECT_EQ(err, "invalid bridge name 'eth0' (want qc-[a-z0-9-]{1,12})");
  EXPECT_FALSE(NatEnable("qc-one", Net("172.30.1.5/24"), &err));
  EXPECT_EQ(err, "subnet 172.30.1.5/24 is not a network address; did you mean 172.30.1.0/24?");
  EXPECT_FALSE(NatEnable("qc-one", ipv4::Cidr{0xac1e0100U, 33}, &err));
  EXPECT_NE(err.find("smaller than a /24"), std::string::npos) << err;
  EXPECT_FALSE(NatEnable("qc-one", Net("172.30.0.0/8"), &err));
  EXPECT_NE(err.find("larger than a /16"), std::string::npos) << err;
  EXPECT_FALSE(NatDisable("lo", &err));
  EXPECT_EQ(err, "invalid bridge name 'lo' (want qc-[a-z0-9-]{1,12})");
  int status = 0;
  Sh("nft list table ip qemu_compose", &status);
  EXPECT_NE(status, 0) << "a rejected call created the table";
}

}  // namespace
}  // namespace qc::netd
