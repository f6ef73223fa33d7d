// Issue 6, scenario 2: a VM on a bridge network reaches an "outside" host
// (ping and TCP) through the uplink, masqueraded: the outside sees the
// uplink's address, never the VM's. The outside is a second namespace on a
// veth pair whose other end is the test namespace's default route; it has no
// route back to the VM's subnet, so an answer can only come back through NAT.
#include <gtest/gtest.h>

#include <string>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

constexpr const char* kUplink = "198.51.100.2";
constexpr const char* kOutside = "198.51.100.1";

// Packets counted by a named nft counter in the outside namespace.
long OutsideCounter(const Netns& outside, const std::string& name) {
  CmdResult c = outside.Run("nft list counter ip watch " + name);
  std::size_t at = c.out.find("packets ");
  return at == std::string::npos ? -1 : std::stol(c.out.substr(at + 8));
}

TEST(E2eNat, VmReachesTheOutsideAsTheUplinksAddress) {
  Netns ns;
  Netns outside;  // a `qcit-<pid>-<n>` name: deleted by its destructor or by cleanup.sh
  ASSERT_EQ(ns.Run("ip link add uplink type veth peer name eth0 netns " + outside.name() +
                   " && ip addr add " + kUplink + "/24 dev uplink && ip link set uplink up" +
                   " && ip route add default via " + kOutside)
                .exit_code,
            0);
  ASSERT_EQ(
      outside.Run(std::string("ip addr add ") + kOutside + "/24 dev eth0 && ip link set eth0 up")
          .exit_code,
      0);
  // Counters of what arrives at the outside, by source address.
  CmdResult nft = outside.Run(
      "nft -f - <<'EOF'\n"
      "table ip watch {\n"
      "  counter from_uplink {}\n"
      "  counter from_vm_pool {}\n"
      "  chain in {\n"
      "    type filter hook input priority 0;\n"
      "    ip saddr " +
      std::string(kUplink) +
      " counter name from_uplink\n"
      "    ip saddr 172.16.0.0/12 counter name from_vm_pool\n"
      "  }\n"
      "}\n"
      "EOF\n");
  ASSERT_EQ(nft.exit_code, 0) << nft.err;
  // A TCP service that tells each client, and a file, which address it came from.
  const std::string peers = ScratchDir(UserA()) + "/outside-peers.log";
  ASSERT_EQ(outside
                .Run("ncat -lk 7000 --sh-exec 'echo PEER=$NCAT_REMOTE_ADDR; "
                     "echo $NCAT_REMOTE_ADDR >> " +
                     peers + "' >/dev/null 2>&1 &")
                .exit_code,
            0);
  ASSERT_TRUE(
      WaitFor([&] { return outside.Run("ss -Hltn 'sport = :7000'").out.size() > 0; }, 30000));

  Project p(ns, UserA(), {"e2enat", {{"web", {"backend"}, {}, ""}}, {"backend"}});
  CmdResult up = p.UpWait();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
  const std::string vm_ip = p.ReservedIp("backend", "web");
  ASSERT_FALSE(vm_ip.empty()) << p.Networks().dump(2);
  ASSERT_EQ(ns.Run("cat /proc/sys/net/ipv4/ip_forward").out, "1\n");

  GuestResult ping = p.InGuest("web", std::string("ping -c 2 -W 5 ") + kOutside);
  ASSERT_TRUE(ping.finished) << p.Diagnostics();
  EXPECT_EQ(ping.rc, 0) << ping.out << p.Diagnostics();
  EXPECT_NE(ping.out.find(std::string("bytes from ") + kOutside), std::string::npos) << ping.out;

  // busybox nc quits on stdin EOF before reading: keep stdin open a while.
  GuestResult tcp = p.InGuest("web", std::string("sleep 3 | nc -w 10 ") + kOutside + " 7000");
  ASSERT_TRUE(tcp.finished) << p.Diagnostics();
  EXPECT_NE(tcp.out.find(std::string("PEER=") + kUplink), std::string::npos)
      << "the outside saw the connection come from the uplink:\n"
      << tcp.out;
  EXPECT_EQ(tcp.out.find("PEER=" + vm_ip), std::string::npos) << tcp.out;
  EXPECT_EQ(ReadFile(peers), std::string(kUplink) + "\n");

  EXPECT_GE(OutsideCounter(outside, "from_uplink"), 3) << "2 echo requests + a TCP connection";
  EXPECT_EQ(OutsideCounter(outside, "from_vm_pool"), 0) << "a VM address reached the outside";
}

}  // namespace
}  // namespace qc::itest::e2e
