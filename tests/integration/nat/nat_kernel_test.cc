// NatEnable/NatDisable against the real kernel. Each test process first moves
// itself into a fresh network namespace (and fails if it cannot), so `nft`,
// `ip` and the sysctls below only ever see that private namespace.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "nat/nat.h"

namespace qc::netd {
namespace {

uint32_t Ip(const char* dotted) {
  in_addr a{};
  EXPECT_EQ(inet_pton(AF_INET, dotted, &a), 1);
  return a.s_addr;
}

ino_t NetnsInode() {
  struct stat st {};
  return stat("/proc/self/ns/net", &st) == 0 ? st.st_ino : 0;
}

// Runs a shell command (in our private netns); returns stdout, sets *status.
std::string Sh(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* f = popen((cmd + " 2>&1").c_str(), "r");
  if (f == nullptr) return "popen failed";
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  const int rc = pclose(f);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string Table() {
  return Sh("nft list table ip qemu_compose");
}

class PrivateNetns : public ::testing::Environment {
 public:
  void SetUp() override {
    const ino_t before = NetnsInode();
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "cannot unshare a network namespace (run as root)";
    ASSERT_NE(NetnsInode(), before) << "still in the original network namespace";
    ASSERT_NE(NetnsInode(), 0U);
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PrivateNetns);

class NatKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(NatEnable("qc-one", Ip("172.30.1.0"), 24, &err)) << err;
    ASSERT_TRUE(NatEnable("qc-two", Ip("172.30.2.0"), 24, &err)) << err;
  }
  void TearDown() override { Sh("nft delete table ip qemu_compose"); }
};

constexpr char kBothBridges[] = R"(table ip qemu_compose {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 172.30.1.0/24 oifname != "qc-one" masquerade comment "qc-one"
		ip saddr 172.30.2.0/24 oifname != "qc-two" masquerade comment "qc-two"
	}

	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "qc-two" oifname "qc-*" oifname != "qc-two" drop comment "qc-two"
		iifname "qc-one" oifname "qc-*" oifname != "qc-one" drop comment "qc-one"
		iifname "qc-one" accept comment "qc-one"
		oifname "qc-one" ct state established,related accept comment "qc-one"
		oifname "qc-one" drop comment "qc-one"
		iifname "qc-two" accept comment "qc-two"
		oifname "qc-two" ct state established,related accept comment "qc-two"
		oifname "qc-two" drop comment "qc-two"
	}
}
)";

TEST_F(NatKernel, TwoBridgesGetTheirRulesWithIsolationFirst) {
  EXPECT_EQ(Table(), kBothBridges);
  EXPECT_TRUE(NatIsEnabled("qc-one"));
  EXPECT_TRUE(NatIsEnabled("qc-two"));
  EXPECT_FALSE(NatIsEnabled("qc-three"));
}

TEST_F(NatKernel, EnablingAgainLeavesTheSameRuleset) {
  std::string err;
  ASSERT_TRUE(NatEnable("qc-one", Ip("172.30.1.0"), 24, &err)) << err;
  ASSERT_TRUE(NatEnable("qc-one", Ip("172.30.1.0"), 24, &err)) << err;
  EXPECT_EQ(Table(), kBothBridges);
}

TEST_F(NatKernel, EnablingWithANewSubnetReplacesTheOldRules) {
  std::string err;
  ASSERT_TRUE(NatEnable("qc-one", Ip("172.30.9.0"), 24, &err)) << err;
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
  for (const char* rule :
       {"ip saddr 172.30.2.0/24 oifname != \"qc-two\" masquerade comment \"qc-two\"",
        "iifname \"qc-two\" oifname \"qc-*\" oifname != \"qc-two\" drop comment \"qc-two\"",
        "iifname \"qc-two\" accept comment \"qc-two\"",
        "oifname \"qc-two\" ct state established,related accept comment \"qc-two\"",
        "oifname \"qc-two\" drop comment \"qc-two\""}) {
    EXPECT_NE(t.find(rule), std::string::npos) << rule << "\n" << t;
  }
  ASSERT_TRUE(NatDisable("qc-one", &err)) << err;
  EXPECT_EQ(Table(), t);
  ASSERT_TRUE(NatDisable("qc-two", &err)) << err;
  EXPECT_FALSE(NatIsEnabled("qc-two"));
  EXPECT_EQ(Table().find("comment"), std::string::npos);
}

TEST(NatKernelNoTable, DisableAndQueryWithoutTableSucceed) {
  std::string err;
  EXPECT_TRUE(NatDisable("qc-none", &err)) << err;
  EXPECT_FALSE(NatIsEnabled("qc-none"));
}

TEST(NatKernelNoTable, BadInputIsRejectedWithoutTouchingNftables) {
  std::string err;
  EXPECT_FALSE(NatEnable("eth0", Ip("172.30.1.0"), 24, &err));
  EXPECT_EQ(err, "invalid bridge name 'eth0' (want qc-[a-z0-9-]{1,12})");
  EXPECT_FALSE(NatEnable("qc-one", Ip("172.30.1.5"), 24, &err));
  EXPECT_EQ(err, "subnet address has host bits set for prefix /24");
  EXPECT_FALSE(NatEnable("qc-one", Ip("172.30.1.0"), 33, &err));
  EXPECT_EQ(err, "invalid prefix length 33 (want 1..32)");
  EXPECT_FALSE(NatDisable("lo", &err));
  EXPECT_EQ(err, "invalid bridge name 'lo' (want qc-[a-z0-9-]{1,12})");
  int status = 0;
  Sh("nft list table ip qemu_compose", &status);
  EXPECT_NE(status, 0) << "a rejected call created the table";
}

}  // namespace
}  // namespace qc::netd
