// Issue 6, scenario 6: whatever is killed with SIGKILL (the frontend in the
// middle of `up`, a QEMU, the dnsmasq), the next `up --wait` converges to the
// whole working project, and `down` then cleans everything.
//
// A "runner" is not killed separately: qc-vmrunner execs QEMU in the same
// process, so once a VM runs, killing its runner is killing its QEMU.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <sstream>
#include <vector>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

constexpr int kReachMs = 300 * 1000;

// Both VMs resolve each other's name through the bridge's dnsmasq and answer.
void ExpectNamesWork(const Project& p) {
  EXPECT_TRUE(p.GuestSucceeds("web", "ping -c1 -W3 db >/dev/null 2>&1"))
      << "web cannot ping db by name" << p.Diagnostics();
  EXPECT_TRUE(p.GuestSucceeds("db", "ping -c1 -W3 web.crash.qc >/dev/null 2>&1"))
      << "db cannot ping web.crash.qc" << p.Diagnostics();
}

bool BridgeExists(const Netns& ns) {
  return ns.Run("ip -o link show type bridge | grep -q ': qc-'").exit_code == 0;
}

// Pids of the processes called `comm` inside the namespace.
std::vector<int> ProcessesNamed(const Netns& ns, const std::string& comm) {
  std::vector<int> found;
  std::istringstream pids(ns.Run("ip netns pids " + ns.name()).out);
  for (int pid = 0; pids >> pid;) {
    if (ReadFile("/proc/" + std::to_string(pid) + "/comm") == comm + "\n") {
      found.push_back(pid);
    }
  }
  return found;
}

// Some VM's QEMU has been started (its runner reported a pid).
bool SomeQemuStarted(const Project& p) {
  for (const auto& vm : p.vms()) {
    if (std::filesystem::exists(p.StateDir() + "/" + vm + "/qemu.pid")) {
      return true;
    }
  }
  return false;
}

TEST(E2eCrash, FrontendKilledDuringUpThenNextUpConvergesAndDownCleans) {
  Netns ns;
  Project p(ns, UserA(), "crash", {"db", "web"});

  // Killed while the helper builds the network...
  pid_t first = p.SpawnQc("up --wait");
  ASSERT_TRUE(WaitFor([&] { return BridgeExists(ns); }, kReachMs, 20)) << p.Diagnostics();
  kill(first, SIGKILL);
  EXPECT_EQ(WaitPid(first, 30000), -SIGKILL) << "up finished before it could be killed";
  // Whatever it got to, make it the state of a kill between creating the
  // bridge and addressing it: a bare bridge and no dnsmasq.
  ns.Run("ip addr flush dev $(ip -o link show type bridge | grep -o 'qc-[a-z0-9-]*')");
  for (int pid : ProcessesNamed(ns, "dnsmasq")) {
    kill(pid, SIGKILL);
  }
  // ...and killed again once a QEMU was started.
  pid_t second = p.SpawnQc("up --wait");
  WaitFor([&] { return SomeQemuStarted(p) || !Alive(second); }, kReachMs, 20);
  ASSERT_TRUE(SomeQemuStarted(p)) << p.Diagnostics();
  kill(second, SIGKILL);
  EXPECT_EQ(WaitPid(second, 30000), -SIGKILL) << "up finished before it could be killed";

  CmdResult up = p.UpWait();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
  EXPECT_EQ(CheckLeasesMatchReservations(p), "") << up.out << p.Diagnostics();
  EXPECT_EQ(ns.Run("ip -o link show type bridge | grep -c ': qc-'").out, "1\n")
      << "the killed ups left a second bridge";
  ExpectNamesWork(p);

  const std::string bridge = p.Bridge();
  CmdResult down = p.Qc("down");
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(Leftovers(ns, {bridge}, {UserA().uid}), "");
}

TEST(E2eCrash, KilledQemuAndDnsmasqComeBackWithNamesWorking) {
  Netns ns;
  Project p(ns, UserA(), "crash", {"db", "web"});
  CmdResult up = p.UpWait();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
  const int db = p.QemuPid("db");
  const int web = p.QemuPid("web");
  const int dnsmasq = p.DnsmasqPid();
  ASSERT_TRUE(Alive(db) && Alive(web) && Alive(dnsmasq)) << p.Diagnostics();

  ns.Run("kill -9 " + std::to_string(db) + " " + std::to_string(dnsmasq));
  ASSERT_TRUE(WaitFor([&] { return !Alive(db) && !Alive(dnsmasq); }, 30000));
  CmdResult again = p.UpWait();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err << p.Diagnostics();
  EXPECT_NE(again.out.find("dnsmasq restarted"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("vm db: restarted"), std::string::npos) << again.out;
  EXPECT_EQ(p.QemuPid("web"), web) << "the healthy VM was restarted\n" << again.out;
  EXPECT_EQ(CheckLeasesMatchReservations(p), "") << p.Diagnostics();
  // web kept its old lease and resolver: names go through the new dnsmasq.
  ExpectNamesWork(p);

  const std::string bridge = p.Bridge();
  CmdResult down = p.Qc("down");
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(Leftovers(ns, {bridge}, {UserA().uid}), "");
}

}  // namespace
}  // namespace qc::itest::e2e
