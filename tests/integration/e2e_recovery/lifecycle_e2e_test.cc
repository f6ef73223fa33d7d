// Issue 6, scenario 5: stop (graceful) then up keeps every VM's address;
// destroy removes the VMs' state; down leaves nothing of the project behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

TEST(E2eLifecycle, StopUpKeepsAddressesDestroyRemovesStateDownLeavesNothing) {
  Netns ns;
  Project p(ns, UserA(), "life", {"db", "web"});
  CmdResult up = p.UpWait();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
  ASSERT_EQ(CheckLeasesMatchReservations(p), "") << p.Diagnostics();
  const std::string bridge = p.Bridge();
  const int dnsmasq = p.DnsmasqPid();
  std::map<std::string, std::string> lease_before;
  for (const auto& vm : p.vms()) {
    lease_before[vm] = p.Leases(vm).back();
  }

  // stop: the guests power off on the ACPI button; the network stays.
  CmdResult stop = p.Qc("stop");
  ASSERT_EQ(stop.exit_code, 0) << stop.out << stop.err << p.Diagnostics();
  for (const auto& vm : p.vms()) {
    EXPECT_NE(stop.out.find("vm " + vm + ": stopped (guest powered off)"), std::string::npos)
        << stop.out;
    EXPECT_FALSE(MarkerLines(ReadFile(p.SerialLog(vm)), "QC-POWEROFF").empty())
        << vm << " was not shut down gracefully" << p.Diagnostics();
    EXPECT_EQ(p.Status(vm), "stopped");
  }
  EXPECT_EQ(ns.Run("ip -o link show " + bridge).exit_code, 0) << "stop removed the bridge";
  EXPECT_TRUE(Alive(dnsmasq)) << "stop ended dnsmasq";
  EXPECT_EQ(ns.Run("ip -o link show | grep -c ': tap-'").out, "0\n") << "TAPs outlived QEMU";

  // up again: new boots, same MACs, same addresses. `--wait` must wait for
  // this boot's lease, not take the previous boot's as ready.
  CmdResult again = p.UpWait();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err << p.Diagnostics();
  for (const auto& vm : p.vms()) {
    EXPECT_NE(again.out.find("vm " + vm + ": restarted"), std::string::npos) << again.out;
    // Ready means this boot's guest answers at its address, now (its web
    // server starts with its network).
    std::string ip = p.ReservedIp(vm);
    CmdResult http = ns.Run("curl -sS -m 5 --retry 2 --retry-connrefused http://" + ip + "/");
    EXPECT_NE(http.out.find("hello from " + vm), std::string::npos)
        << vm << " (" << ip << ") does not answer after up --wait: " << http.err << p.Diagnostics();
    ASSERT_TRUE(WaitFor([&] { return !p.Leases(vm).empty(); }, 60000))
        << vm << ": no lease in this boot's serial log" << p.Diagnostics();
    auto leases = p.Leases(vm);
    EXPECT_EQ(FieldOf(leases.back(), "ip"), FieldOf(lease_before[vm], "ip")) << vm;
    EXPECT_EQ(FieldOf(leases.back(), "mac"), FieldOf(lease_before[vm], "mac")) << vm;
    // The previous run's console output is kept beside it.
    EXPECT_FALSE(MarkerLines(ReadFile(p.SerialLog(vm) + ".1"), "QC-POWEROFF").empty()) << vm;
  }
  EXPECT_EQ(CheckLeasesMatchReservations(p), "") << p.Diagnostics();
  EXPECT_EQ(p.Bridge(), bridge);

  // destroy: the VMs' folders go, the network stays.
  CmdResult destroy = p.Qc("destroy");
  ASSERT_EQ(destroy.exit_code, 0) << destroy.out << destroy.err << p.Diagnostics();
  for (const auto& vm : p.vms()) {
    EXPECT_FALSE(std::filesystem::exists(p.StateDir() + "/" + vm)) << vm << "'s state survived";
    EXPECT_EQ(p.Status(vm), "not-created");
  }
  EXPECT_EQ(ns.Run("ip -o link show " + bridge).exit_code, 0) << "destroy removed the bridge";

  // down: no link, rule or process of the project is left.
  CmdResult down = p.Qc("down");
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(Leftovers(ns, {bridge}, {UserA().uid}), "");
  EXPECT_FALSE(Alive(dnsmasq));
  EXPECT_TRUE(p.Networks().empty()) << p.Networks().dump();
}

}  // namespace
}  // namespace qc::itest::e2e
