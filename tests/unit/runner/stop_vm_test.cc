// StopVm's escalation against a real process (a forked child standing in for
// QEMU) and a scripted QMP peer that plays the guest's part.
#include "stop_vm.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "fake_qmp_server.h"

namespace qc {
namespace {

using qc::testing::FakeQmpServer;

// A process that waits forever; optionally deaf to SIGTERM.
// Returns once the child is set up, so no signal can arrive too early.
pid_t StartFakeQemu(bool ignore_sigterm) {
  int ready[2];
  if (pipe(ready) != 0) {
    return -1;
  }
  pid_t pid = fork();
  if (pid == 0) {
    if (ignore_sigterm) {
      (void)signal(SIGTERM, SIG_IGN);
    }
    (void)write(ready[1], "x", 1);
    for (;;) {
      pause();
    }
  }
  close(ready[1]);
  char c;
  (void)read(ready[0], &c, 1);
  close(ready[0]);
  return pid;
}

// Stops the fake if a test failed before, and reaps it.
void Reap(pid_t pid) {
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
}

TEST(StopVm, GuestPowersOffOnPowerButton) {
  pid_t qemu = StartFakeQemu(false);
  std::string asked;
  FakeQmpServer server([&](FakeQmpServer& s) {
    s.Handshake();
    asked = s.Receive();
    s.Send(R"({"return": {}})");
    kill(qemu, SIGKILL);  // the guest powers off; QEMU exits
    s.Hangup();
  });
  StopResult r = StopVm(server.path(), qemu, 10, false);
  EXPECT_EQ(r.step, StopStep::kPowerdown) << r.detail;
  EXPECT_EQ(asked, R"({"execute": "system_powerdown"})");
  Reap(qemu);
}

TEST(StopVm, GuestIgnoringPowerButtonGetsQuitAfterGrace) {
  pid_t qemu = StartFakeQemu(false);
  std::string second;
  FakeQmpServer server([&](FakeQmpServer& s) {
    s.Handshake();
    s.Receive();
    s.Send(R"({"return": {}})");
    second = s.Receive();
    s.Send(R"({"return": {}})");
    kill(qemu, SIGKILL);
    s.Hangup();
  });
  StopResult r = StopVm(server.path(), qemu, 1, false);
  EXPECT_EQ(r.step, StopStep::kQuit) << r.detail;
  EXPECT_EQ(second, R"({"execute": "quit"})");
  EXPECT_EQ(r.detail, "guest did not power off within 1 s");
  Reap(qemu);
}

TEST(StopVm, ForceQuitsWithoutPowerButton) {
  pid_t qemu = StartFakeQemu(false);
  std::string first;
  FakeQmpServer server([&](FakeQmpServer& s) {
    s.Handshake();
    first = s.Receive();
    kill(qemu, SIGKILL);
    s.Hangup();
  });
  StopResult r = StopVm(server.path(), qemu, 60, true);
  EXPECT_EQ(r.step, StopStep::kQuit) << r.detail;
  EXPECT_EQ(first, R"({"execute": "quit"})");
  Reap(qemu);
}

TEST(StopVm, UnreachableQmpFallsBackToSignals) {
  pid_t qemu = StartFakeQemu(true);  // deaf to SIGTERM: only SIGKILL ends it
  StopResult r = StopVm("/nonexistent/qmp.sock", qemu, 5, false);
  EXPECT_EQ(r.step, StopStep::kKill) << r.detail;
  EXPECT_EQ(r.detail,
            "cannot connect to QMP socket /nonexistent/qmp.sock: No such file or directory");
  Reap(qemu);
}

TEST(StopVm, UnreachableQmpSigtermEndsAnOrdinaryQemu) {
  pid_t qemu = StartFakeQemu(false);
  StopResult r = StopVm("/nonexistent/qmp.sock", qemu, 5, true);
  EXPECT_EQ(r.step, StopStep::kQuit) << r.detail;
  Reap(qemu);
}

TEST(StopVm, ProcessAlreadyGone) {
  pid_t qemu = StartFakeQemu(false);
  Reap(qemu);
  StopResult r = StopVm("/nonexistent/qmp.sock", qemu, 5, false);
  EXPECT_EQ(r.step, StopStep::kNotRunning);
}

TEST(StopVm, RefusesInvalidPid) {
  StopResult r = StopVm("/nonexistent/qmp.sock", 0, 5, false);
  EXPECT_EQ(r.step, StopStep::kFailed);
  EXPECT_EQ(r.detail, "refusing to stop invalid pid 0");
}

}  // namespace
}  // namespace qc
