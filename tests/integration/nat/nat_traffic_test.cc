// Real packets through the NAT rules. Inside the private namespace ("host")
// two qc- bridges each get a "VM" namespace on a veth, and an "outside"
// namespace is the default route. The outside has no route back to the VM
// subnets, so a reply can only arrive if the source was masqueraded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "nat/nat.h"
#include "netns_test_util.h"

namespace qc::netd {
namespace {

using nattest::Net;
using nattest::Sh;
using nattest::ShOk;

class NatTraffic : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream("/proc/sys/net/ipv4/ip_forward") << "1\n";  // our namespace only
    ASSERT_EQ(Sh("cat /proc/sys/net/ipv4/ip_forward"), "1\n");
    ASSERT_TRUE(Run("ip link set lo up"));
    ASSERT_TRUE(AddBridgeVm("qc-one", "172.30.1", vm1_));
    ASSERT_TRUE(AddBridgeVm("qc-two", "172.30.2", vm2_));
    ASSERT_TRUE(Run("ip netns add " + out_));
    ASSERT_TRUE(Run("ip link add uplink type veth peer name eth0 netns " + out_));
    ASSERT_TRUE(Run("ip addr add 198.51.100.2/24 dev uplink && ip link set uplink up"));
    ASSERT_TRUE(Run("ip route add default via 198.51.100.1"));
    ASSERT_TRUE(In(out_, "ip addr add 198.51.100.1/24 dev eth0 && ip link set eth0 up"));
    // Counts echo requests reaching the outside from the host's uplink address.
    ASSERT_TRUE(In(out_,
                   "nft add table ip watch && nft add chain ip watch in "
                   "'{ type filter hook input priority 0; }' && nft add rule ip watch in "
                   "ip saddr 198.51.100.2 icmp type echo-request counter"));
  }
  void TearDown() override {
    for (const std::string& ns : {vm1_, vm2_, out_}) {
      Sh("ip netns del " + ns);
    }
  }

  static bool Run(const std::string& cmd) {
    int status = -1;
    const std::string out = Sh(cmd, &status);
    EXPECT_EQ(status, 0) << cmd << "\n" << out;
    return status == 0;
  }
  static bool In(const std::string& ns, const std::string& cmd) {
    return Run("ip netns exec " + ns + " sh -c \"" + cmd + "\"");
  }
  static bool Ping(const std::string& ns, const std::string& dst) {
    return ShOk("ip netns exec " + ns + " busybox ping -c 1 -W 1 " + dst);
  }
  static bool AddBridgeVm(const std::string& bridge, const std::string& net24,
                          const std::string& vm) {
    const std::string veth = "v-" + bridge;
    return Run("ip link add " + bridge + " type bridge && ip addr add " + net24 + ".1/24 dev " +
               bridge + " && ip link set " + bridge + " up") &&
           Run("ip netns add " + vm) &&
           Run("ip link add " + veth + " type veth peer name eth0 netns " + vm) &&
           Run("ip link set " + veth + " master " + bridge + " && ip link set " + veth + " up") &&
           In(vm, "ip link set lo up && ip addr add " + net24 +
                      ".10/24 dev eth0 && ip link set "
                      "eth0 up && ip route add default via " +
                      net24 + ".1");
  }
  std::string OutsideCounter() {
    return Sh("ip netns exec " + out_ + " nft list chain ip watch in");
  }

  const std::string tag_ = "qcnat" + std::to_string(getpid());
  const std::string vm1_ = tag_ + "-vm1", vm2_ = tag_ + "-vm2", out_ = tag_ + "-out";
};

TEST_F(NatTraffic, VmReachesOutsideMasqueradedButBridgesAndOutsideCannotReachIn) {
  // Without NAT: bridges forward to each other, the outside can reach a VM, and
  // a VM's packets reach the outside unmasqueraded, so no reply comes back.
  ASSERT_TRUE(In(out_, "ip route add 172.30.0.0/16 via 198.51.100.2"));
  EXPECT_TRUE(Ping(vm1_, "172.30.2.10"));
  EXPECT_TRUE(Ping(out_, "172.30.1.10"));
  ASSERT_TRUE(In(out_, "ip route del 172.30.0.0/16"));
  EXPECT_FALSE(Ping(vm1_, "198.51.100.1"));
  EXPECT_NE(OutsideCounter().find("counter packets 0 "), std::string::npos) << OutsideCounter();

  std::string err;
  ASSERT_TRUE(NatEnable("qc-one", Net("172.30.1.0/24"), &err)) << err;
  ASSERT_TRUE(NatEnable("qc-two", Net("172.30.2.0/24"), &err)) << err;

  EXPECT_TRUE(Ping(vm1_, "198.51.100.1"));
  EXPECT_TRUE(Ping(vm2_, "198.51.100.1"));
  EXPECT_NE(OutsideCounter().find("counter packets 2 "), std::string::npos) << OutsideCounter();
  EXPECT_FALSE(Ping(vm1_, "172.30.2.10"));
  EXPECT_FALSE(Ping(vm2_, "172.30.1.10"));
  ASSERT_TRUE(In(out_, "ip route add 172.30.0.0/16 via 198.51.100.2"));
  EXPECT_FALSE(Ping(out_, "172.30.1.10"));
  EXPECT_FALSE(Ping(out_, "172.30.2.10"));

  // Disabling qc-two must not open qc-one: its own rules still isolate it.
  ASSERT_TRUE(NatDisable("qc-two", &err)) << err;
  EXPECT_FALSE(Ping(vm1_, "172.30.2.10"));
  EXPECT_FALSE(Ping(vm2_, "172.30.1.10"));
  EXPECT_FALSE(Ping(out_, "172.30.1.10"));
  EXPECT_TRUE(Ping(out_, "172.30.2.10"));  // qc-two is back to plain routing
  EXPECT_TRUE(Ping(vm1_, "198.51.100.1"));
}

}  // namespace
}  // namespace qc::netd
