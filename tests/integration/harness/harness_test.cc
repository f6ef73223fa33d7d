// The harness's own promises, checked against the real kernel: other parts'
// integration tests rely on them (right user, right namespace, fd 3 handed
// over, no no_new_privs, cleanup).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <string>

#include <gtest/gtest.h>

#include "harness.h"

namespace qc::itest {
namespace {

std::string NetnsInode(const Netns& ns) {
  return ns.Run("stat -L -c %i /proc/self/ns/net").out;
}

TEST(Harness, RunAsIsTheUserWithACleanEnvironmentInsideTheNamespace) {
  Netns ns;
  const User& a = UserA();
  CmdResult r =
      ns.RunAs(a, "id -u; id -g; echo \"$HOME|$USER|$EXTRA|${SECRET:-unset}\"; pwd", {"EXTRA=42"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::to_string(a.uid) + "\n" + std::to_string(a.gid) + "\n" + a.home + "|" +
                       a.name + "|42|unset\n" + a.home + "\n");
  // Only loopback exists, and it is up.
  CmdResult links = ns.RunAs(a, "ls /sys/class/net");
  EXPECT_EQ(links.out, "lo\n");
  // Not the test process's (the host's) namespace.
  struct stat own {};
  ASSERT_EQ(stat("/proc/self/ns/net", &own), 0);
  EXPECT_NE(NetnsInode(ns), std::to_string(own.st_ino) + "\n");
  EXPECT_NE(NetnsInode(ns), "");
}

TEST(Harness, ExitCodesAndOutputStreamsAreReportedSeparately) {
  Netns ns;
  CmdResult r = ns.Run("echo out; echo err >&2; exit 3");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  CmdResult killed = ns.Run("kill -TERM $$");
  EXPECT_EQ(killed.exit_code, -15);
  CmdResult slow = ns.RunWithTimeout(nullptr, "sleep 30", 300);
  EXPECT_EQ(slow.exit_code, INT_MIN);
}

TEST(Harness, RunReturnsWhileABackgroundDaemonKeepsStdoutOpen) {
  Netns ns;
  CmdResult r = ns.RunWithTimeout(nullptr, "sleep 60 & echo started", 20000);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "started\n");
}

TEST(Harness, SpawnHandsOverFd3AndKeepsFileCapabilitiesPossible) {
  Netns ns;
  const User& a = UserA();
  const std::string dir = ScratchDir(a);
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  int stray = open("/dev/null", O_RDONLY);  // not CLOEXEC: must still not leak
  ASSERT_GE(stray, 0);
  pid_t pid = ns.Spawn(&a,
                       {"/bin/sh", "-c",
                        "ls /proc/self/fd | sort -n | tr '\\n' ' '; echo; "
                        "grep -E '^(NoNewPrivs|Uid)' /proc/self/status; echo hello >&3"},
                       sv[1], {}, dir + "/out", dir + "/err");
  close(sv[1]);
  close(stray);
  ASSERT_EQ(WaitPid(pid, 30000), 0) << ReadFile(dir + "/err");
  char buf[16] = {};
  ASSERT_EQ(read(sv[0], buf, sizeof buf), 6);
  EXPECT_STREQ(buf, "hello\n");
  close(sv[0]);
  const std::string out = ReadFile(dir + "/out");
  // 0-2 and 3, plus the fd `ls` itself opens for /proc/self/fd.
  EXPECT_EQ(out.substr(0, out.find('\n')), "0 1 2 3 4 ") << out;
  EXPECT_NE(out.find("NoNewPrivs:\t0"), std::string::npos) << out;
  const std::string uid = std::to_string(a.uid);
  EXPECT_NE(out.find("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid), std::string::npos)
      << out;
  struct stat st {};
  ASSERT_EQ(stat((dir + "/out").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, a.uid);
}

TEST(Harness, DestructorKillsEverythingInsideAndDeletesTheNamespace) {
  std::string name;
  {
    Netns ns;
    name = ns.name();
    ns.Spawn(&UserB(), {"/bin/sleep", "600"});
    CmdResult r = ns.Run("setsid sleep 600 >/dev/null 2>&1 & echo ok");
    ASSERT_EQ(r.out, "ok\n");
    EXPECT_EQ(access(("/run/netns/" + name).c_str(), F_OK), 0);
  }
  EXPECT_NE(access(("/run/netns/" + name).c_str(), F_OK), 0);
  Netns other;
  CmdResult list = other.Run("ip netns list");
  EXPECT_EQ(list.out.find(name + " "), std::string::npos) << list.out;
}

TEST(Harness, WaitPidKillsAChildThatOutlivesTheTimeout) {
  Netns ns;
  pid_t pid = ns.Spawn(nullptr, {"/bin/sleep", "600"});
  EXPECT_EQ(WaitPid(pid, 200), INT_MIN);
  EXPECT_NE(kill(pid, 0), 0);  // reaped, gone
}

TEST(Harness, MarkerLinesFindMarkersAfterAPromptAndDropCarriageReturns) {
  const std::string serial =
      "boot\r\nQC-LEASE iface=eth0 ip=10.0.2.15/24\r\nguest# QC-POWEROFF\r\n";
  auto leases = MarkerLines(serial, "QC-LEASE");
  ASSERT_EQ(leases.size(), 1U);
  EXPECT_EQ(FieldOf(leases[0], "ip"), "10.0.2.15/24");
  EXPECT_EQ(FieldOf(leases[0], "mac"), "");
  EXPECT_EQ(MarkerLines(serial, "QC-POWEROFF"), std::vector<std::string>{"QC-POWEROFF"});
}

}  // namespace
}  // namespace qc::itest
