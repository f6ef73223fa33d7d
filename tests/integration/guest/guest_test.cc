// The tiny guest (scripts/build-guest) as the product will run it: QEMU under
// TCG started by an unprivileged user inside a private network namespace.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "harness.h"

namespace qc::itest {
namespace {

constexpr int kBootTimeoutMs = 180 * 1000;  // TCG on a loaded 2-core machine
constexpr int kExitTimeoutMs = 60 * 1000;
constexpr char kMac[] = "52:54:00:1c:2d:3e";

// QEMU argv for the installed guest; `netdev` is the -netdev value. The serial
// console goes to dir/serial.log and, for typing into it, dir/console.sock.
std::vector<std::string> QemuArgv(const std::string& dir, const std::string& hostname,
                                  const std::string& netdev, const std::string& extra_cmdline,
                                  const std::string& mac = kMac) {
  const Install& install = GetInstall();
  return {"qemu-system-x86_64",
          "-accel",
          "tcg",
          "-m",
          "256",
          "-nodefaults",
          "-display",
          "none",
          "-no-reboot",
          "-chardev",
          "socket,id=con,path=" + dir + "/console.sock,server=on,wait=off,logfile=" + dir +
              "/serial.log",
          "-serial",
          "chardev:con",
          "-qmp",
          "unix:" + dir + "/qmp.sock,server=on,wait=off",
          "-kernel",
          install.guest_kernel,
          "-initrd",
          install.guest_initrd,
          "-append",
          "console=ttyS0 quiet panic=-1 qc.hostname=" + hostname + extra_cmdline,
          "-netdev",
          netdev,
          "-device",
          "virtio-net-pci,netdev=n0,mac=" + mac};
}

bool SerialShows(const std::string& dir, const std::string& marker) {
  return ReadFile(dir + "/serial.log").find(marker) != std::string::npos;
}

std::string Diagnostics(const std::string& dir) {
  return "\n--- serial.log ---\n" + ReadFile(dir + "/serial.log") + "\n--- qemu stderr ---\n" +
         ReadFile(dir + "/qemu.err");
}

TEST(Guest, GetsDhcpLeaseOverUserOwnedTapAndPowersOffOnAcpiButton) {
  Netns ns;
  const User& user = UserA();
  const std::string dir = ScratchDir(user);
  CmdResult net = ns.Run(
      "set -e\n"
      "ip link add qc-itbr type bridge\n"
      "ip addr add 172.30.7.1/24 dev qc-itbr\n"
      "ip link set qc-itbr up\n"
      "ip tuntap add tap-it0 mode tap user " +
      std::to_string(user.uid) +
      "\n"
      "ip link set tap-it0 master qc-itbr up\n");
  ASSERT_EQ(net.exit_code, 0) << net.err;

  pid_t dnsmasq =
      ns.Spawn(nullptr,
               {"/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                "--no-hosts", "--no-ping", "--interface=qc-itbr", "--bind-interfaces",
                "--except-interface=lo", "--dhcp-range=172.30.7.10,172.30.7.250,255.255.255.0",
                "--dhcp-leasefile=" + dir + "/leases", "--pid-file=", "--log-dhcp",
                "--log-facility=" + dir + "/dnsmasq.log"},
               -1, {}, dir + "/dnsmasq.out", dir + "/dnsmasq.out");

  // The TAP belongs to the user: QEMU opens it by name without privileges.
  const auto started = std::chrono::steady_clock::now();
  pid_t qemu =
      ns.Spawn(&user, QemuArgv(dir, "itvm", "tap,id=n0,ifname=tap-it0,script=no,downscript=no", ""),
               -1, {}, dir + "/qemu.out", dir + "/qemu.err");

  ASSERT_TRUE(WaitFor([&] { return SerialShows(dir, "QC-READY"); }, kBootTimeoutMs, 200))
      << Diagnostics(dir) << "\n--- dnsmasq ---\n"
      << ReadFile(dir + "/dnsmasq.log");
  std::cout << "[measure] TCG boot to QC-READY with a DHCP lease: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms\n";
  const std::string serial = ReadFile(dir + "/serial.log");
  std::vector<std::string> leases = MarkerLines(serial, "QC-LEASE");
  ASSERT_EQ(leases.size(), 1U) << Diagnostics(dir);
  EXPECT_EQ(FieldOf(leases[0], "iface"), "eth0");
  EXPECT_EQ(FieldOf(leases[0], "mac"), kMac);
  EXPECT_EQ(FieldOf(leases[0], "router"), "172.30.7.1");
  EXPECT_EQ(FieldOf(leases[0], "dns"), "172.30.7.1");
  const std::string ip = FieldOf(leases[0], "ip");
  ASSERT_EQ(ip.rfind("172.30.7.", 0), 0U) << leases[0];
  ASSERT_EQ(ip.substr(ip.size() - 3), "/24") << leases[0];
  int host = std::stoi(ip.substr(9, ip.size() - 12));
  EXPECT_GE(host, 10) << leases[0];
  EXPECT_LE(host, 250) << leases[0];
  EXPECT_EQ(MarkerLines(serial, "QC-READY").at(0), "QC-READY hostname=itvm");

  // The leased address answers from the host side of the bridge.
  CmdResult ping = ns.Run("busybox ping -c1 -W5 " + ip.substr(0, ip.size() - 3));
  EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;

  std::string reply = QmpExecute(dir + "/qmp.sock", R"({"execute":"system_powerdown"})");
  EXPECT_NE(reply.find("\"return\""), std::string::npos) << reply;
  EXPECT_EQ(WaitPid(qemu, kExitTimeoutMs), 0) << Diagnostics(dir);
  EXPECT_TRUE(SerialShows(dir, "QC-POWEROFF")) << Diagnostics(dir);
  (void)dnsmasq;  // killed with the namespace
}

// What the product relies on for `ping OTHERVM`: the guest takes DNS server and
// search domain from DHCP, so names dnsmasq knows resolve.
TEST(Guest, ResolvesAnotherGuestByNameThroughDnsmasq) {
  Netns ns;
  const User& user = UserA();
  const std::string dir1 = ScratchDir(user);
  const std::string dir2 = ScratchDir(user);
  const std::string uid = std::to_string(user.uid);
  CmdResult net = ns.Run(
      "set -e\n"
      "ip link add qc-itbr type bridge\n"
      "ip addr add 172.30.8.1/24 dev qc-itbr\n"
      "ip link set qc-itbr up\n"
      "for t in tap-it1 tap-it2; do\n"
      "  ip tuntap add $t mode tap user " +
      uid +
      "\n"
      "  ip link set $t master qc-itbr up\n"
      "done\n");
  ASSERT_EQ(net.exit_code, 0) << net.err;
  ns.Spawn(nullptr,
           {"/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
            "--no-hosts", "--no-ping", "--interface=qc-itbr", "--bind-interfaces",
            "--except-interface=lo", "--dhcp-range=172.30.8.10,172.30.8.250,255.255.255.0",
            "--domain=itproj.test", "--local=/itproj.test/",
            "--dhcp-host=52:54:00:00:00:21,172.30.8.21,vm1",
            "--dhcp-host=52:54:00:00:00:22,172.30.8.22,vm2", "--dhcp-leasefile=" + dir1 + "/leases",
            "--pid-file=", "--log-facility=" + dir1 + "/dnsmasq.log"});
  pid_t vm1 = ns.Spawn(&user,
                       QemuArgv(dir1, "vm1", "tap,id=n0,ifname=tap-it1,script=no,downscript=no", "",
                                "52:54:00:00:00:21"),
                       -1, {}, dir1 + "/qemu.out", dir1 + "/qemu.err");
  pid_t vm2 = ns.Spawn(&user,
                       QemuArgv(dir2, "vm2", "tap,id=n0,ifname=tap-it2,script=no,downscript=no", "",
                                "52:54:00:00:00:22"),
                       -1, {}, dir2 + "/qemu.out", dir2 + "/qemu.err");
  ASSERT_TRUE(
      WaitFor([&] { return SerialShows(dir1, "QC-READY") && SerialShows(dir2, "QC-READY"); },
              kBootTimeoutMs, 200))
      << Diagnostics(dir1) << Diagnostics(dir2);
  EXPECT_EQ(FieldOf(MarkerLines(ReadFile(dir2 + "/serial.log"), "QC-LEASE").at(0), "ip"),
            "172.30.8.22/24");

  // The typed command must not itself contain the marker it waits for: the
  // console echoes input.
  const std::string probe =
      "grep -q '^search itproj.test' /etc/resolv.conf && ping -c1 -W5 vm2 >/dev/null && "
      "ping -c1 -W5 vm2.itproj.test >/dev/null && echo QC-PROBE=$((40+2)) || echo "
      "QC-PROBE=$((0+1))\n";
  std::string result;
  WaitFor(
      [&] {
        for (const auto& line : MarkerLines(ReadFile(dir1 + "/serial.log"), "QC-PROBE=")) {
          if (line == "QC-PROBE=42" || line == "QC-PROBE=1") {
            result = line;
          }
        }
        if (result.empty()) {
          ConsoleWrite(dir1 + "/console.sock", probe);
        }
        return !result.empty();
      },
      90 * 1000, 15000);
  EXPECT_EQ(result, "QC-PROBE=42") << Diagnostics(dir1);

  QmpExecute(dir1 + "/qmp.sock", R"({"execute":"quit"})");
  QmpExecute(dir2 + "/qmp.sock", R"({"execute":"quit"})");
  EXPECT_EQ(WaitPid(vm1, kExitTimeoutMs), 0);
  EXPECT_EQ(WaitPid(vm2, kExitTimeoutMs), 0);
}

TEST(Guest, ServesTcpThroughUserModeHostForward) {
  Netns ns;
  const User& user = UserA();
  const std::string dir = ScratchDir(user);
  pid_t qemu = ns.Spawn(&user,
                        QemuArgv(dir, "fwdvm",
                                 "user,id=n0,hostfwd=tcp:127.0.0.1:17777-:7777,"
                                 "hostfwd=tcp:127.0.0.1:18080-:80",
                                 " qc.serve=7777"),
                        -1, {}, dir + "/qemu.out", dir + "/qemu.err");
  ASSERT_TRUE(WaitFor([&] { return SerialShows(dir, "QC-READY"); }, kBootTimeoutMs, 200))
      << Diagnostics(dir);
  std::vector<std::string> leases = MarkerLines(ReadFile(dir + "/serial.log"), "QC-LEASE");
  ASSERT_EQ(leases.size(), 1U) << Diagnostics(dir);
  EXPECT_EQ(FieldOf(leases[0], "ip"), "10.0.2.15/24");  // QEMU's built-in DHCP

  // The forward exists as soon as QEMU starts; the guest's listener may come
  // a moment after QC-READY, so retry until it answers.
  CmdResult hello{1, "", ""};
  bool answered = WaitFor(
      [&] {
        hello = ns.RunAs(user, "ncat --recv-only -w 5 127.0.0.1 17777 </dev/null");
        return hello.out.find("QC-HELLO") != std::string::npos;
      },
      60 * 1000, 500);
  ASSERT_TRUE(answered) << hello.out << hello.err << Diagnostics(dir);
  EXPECT_EQ(MarkerLines(hello.out, "QC-HELLO").at(0), "QC-HELLO hostname=fwdvm");

  CmdResult http = ns.RunAs(user, "curl -fsS -m 20 http://127.0.0.1:18080/");
  EXPECT_EQ(http.exit_code, 0) << http.err;
  EXPECT_EQ(http.out, "hello from fwdvm\n");

  std::string reply = QmpExecute(dir + "/qmp.sock", R"({"execute":"quit"})");
  EXPECT_NE(reply.find("\"return\""), std::string::npos) << reply;
  EXPECT_EQ(WaitPid(qemu, kExitTimeoutMs), 0) << Diagnostics(dir);
}

}  // namespace
}  // namespace qc::itest
