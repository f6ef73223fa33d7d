// NAT rules and dnsmasq: done for owned bridges only, and real.
#include <gtest/gtest.h>

#include "helper_test_util.h"

namespace qc::itest {
namespace {

TEST(HelperNat, EnableShowsRulesInOwnTableAndDisableRemovesThem) {
  Netns ns;
  HelperClient a;
  HelperClient b;
  StartHello(&a, ns, UserA());
  StartHello(&b, ns, UserB());
  netd::Reply r;
  ASSERT_TRUE(a.Call(CreateBridgeReq("qc-nat"), &r));
  ASSERT_TRUE(a.Call(EnableNatReq("qc-nat"), &r));
  EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << r.message();  // no address yet
  ASSERT_TRUE(a.Call(AddAddressReq("qc-nat", "172.16.50.1/24"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(a.Call(SetForwardingReq(), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_EQ(ns.Run("cat /proc/sys/net/ipv4/ip_forward").out, "1\n");
  ASSERT_TRUE(a.Call(EnableNatReq("qc-nat"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  CmdResult table = ns.Run("nft list table ip qemu_compose");
  EXPECT_NE(table.out.find("172.16.50.0/24"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("masquerade"), std::string::npos) << table.out;
  ASSERT_TRUE(a.Call(ListOwnedReq(), &r));
  ASSERT_EQ(r.owned().links_size(), 1);
  EXPECT_TRUE(r.owned().links(0).nat());
  std::string before = NetDump(ns);
  ASSERT_TRUE(b.Call(DisableNatReq("qc-nat"), &r));
  EXPECT_EQ(r.status(), netd::PERMISSION_DENIED);
  EXPECT_EQ(NetDump(ns), before);
  ASSERT_TRUE(a.Call(DisableNatReq("qc-nat"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_EQ(ns.Run("nft list table ip qemu_compose").out.find("172.16.50.0/24"), std::string::npos);
}

TEST(HelperDhcp, DnsmasqRunsAsCallerWithTwoCapsAndAnswersDhcp) {
  Netns ns;
  Netns client;
  std::string state = ScratchDir(UserA());
  HelperClient a;
  StartHello(&a, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(a.Call(CreateBridgeReq("qc-dhcp"), &r));
  ASSERT_TRUE(a.Call(StartDhcpReq("qc-dhcp", state, "demo.test"), &r));
  EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << r.message();  // no address yet
  ASSERT_TRUE(a.Call(AddAddressReq("qc-dhcp", "172.16.60.1/24"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(a.Call(StartDhcpReq("qc-dhcp", state + "/../x,y", "demo.test"), &r));
  EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << r.message();
  ASSERT_TRUE(a.Call(StartDhcpReq("qc-dhcp", state, "demo.test --dhcp-script=/bin/sh"), &r));
  EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << r.message();
  ASSERT_TRUE(a.Call(StartDhcpReq("qc-dhcp", state, "demo.test"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message() << "\n" << ReadFile(state + "/dnsmasq.log");
  int pid = r.dhcp().pid();
  ASSERT_GT(pid, 0);
  std::string uid_line = StatusField(pid, "Uid");
  EXPECT_EQ(uid_line.substr(0, uid_line.find('\t')), std::to_string(UserA().uid));
  EXPECT_EQ(StatusField(pid, "CapEff"), "0000000000001400");  // NET_ADMIN | NET_BIND_SERVICE
  EXPECT_EQ(StatusField(pid, "CapAmb"), "0000000000001400");
  EXPECT_EQ(StatusField(pid, "NoNewPrivs"), "1");
  ASSERT_TRUE(a.Call(StartDhcpReq("qc-dhcp", state, "demo.test"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_TRUE(r.already_existed());
  EXPECT_EQ(r.dhcp().pid(), pid);

  // A real DHCP client on a veth whose other end is a bridge port.
  ASSERT_EQ(ns.Run("ip link add veth-br type veth peer name veth-cl && ip link set veth-br master "
                   "qc-dhcp up && ip link set veth-cl netns " +
                   client.name())
                .exit_code,
            0);
  CmdResult dhcp = client.RunWithTimeout(
      nullptr,
      "ip link set veth-cl up && busybox udhcpc -i veth-cl -f -q -n -t 10 -T 1 -s /bin/true",
      60000);
  EXPECT_EQ(dhcp.exit_code, 0) << dhcp.out << dhcp.err;
  EXPECT_NE((dhcp.out + dhcp.err).find("lease of 172.16.60."), std::string::npos)
      << dhcp.out << dhcp.err;

  ASSERT_TRUE(a.Call(DeleteBridgeReq("qc-dhcp"), &r));  // also stops its dnsmasq
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_TRUE(
      WaitFor([&] { return ReadFile("/proc/" + std::to_string(pid) + "/status").empty(); }, 10000));
}

}  // namespace
}  // namespace qc::itest
