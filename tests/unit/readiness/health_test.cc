// docker's healthcheck rules, and the commands a healthcheck and exec run.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "readiness/guest_state.h"
#include "readiness/health.h"
#include "readiness/watcher.h"
#include "tools/exec_command.h"
#include "tools/shell_words.h"

namespace qc::readiness {
namespace {

TEST(HealthTracker, FirstSuccessIsHealthy) {
  HealthTracker t(3, 0, 0);
  EXPECT_EQ(t.status(), "starting");
  EXPECT_TRUE(t.Record(true, 1000));
  EXPECT_EQ(t.status(), "healthy");
  EXPECT_FALSE(t.Record(true, 2000));
}

TEST(HealthTracker, RetriesFailuresInARowMakeItUnhealthy) {
  HealthTracker t(3, 0, 0);
  EXPECT_FALSE(t.Record(false, 1000));
  EXPECT_FALSE(t.Record(false, 2000));
  EXPECT_EQ(t.status(), "starting");
  EXPECT_EQ(t.failing_streak(), 2);
  EXPECT_TRUE(t.Record(false, 3000));
  EXPECT_EQ(t.status(), "unhealthy");
  EXPECT_TRUE(t.Record(true, 4000));  // recovers
  EXPECT_EQ(t.status(), "healthy");
  EXPECT_EQ(t.failing_streak(), 0);
}

TEST(HealthTracker, SuccessResetsTheStreak) {
  HealthTracker t(2, 0, 0);
  t.Record(true, 1000);
  t.Record(false, 2000);
  t.Record(true, 3000);
  t.Record(false, 4000);
  EXPECT_EQ(t.status(), "healthy");
  t.Record(false, 5000);
  EXPECT_EQ(t.status(), "unhealthy");
}

TEST(HealthTracker, FailuresInTheStartPeriodDoNotCountWhileStarting) {
  HealthTracker t(1, 60, 100000);  // start_period 60 s from t=100 s
  EXPECT_FALSE(t.Record(false, 130000));
  EXPECT_EQ(t.status(), "starting");
  EXPECT_EQ(t.failing_streak(), 0);
  EXPECT_TRUE(t.Record(false, 161000));  // after the start period
  EXPECT_EQ(t.status(), "unhealthy");
}

TEST(HealthTracker, OnceHealthyTheStartPeriodGivesNoGrace) {
  HealthTracker t(1, 60, 0);
  t.Record(true, 1000);
  EXPECT_TRUE(t.Record(false, 2000));
  EXPECT_EQ(t.status(), "unhealthy");
}

TEST(HealthCommand, CmdWordsAreQuotedCmdShellGoesThroughSh) {
  compose::Healthcheck h;
  h.test = {"CMD", "test", "-e", "/tmp/it's here"};
  EXPECT_EQ(HealthCommand(h), "'test' '-e' '/tmp/it'\\''s here'");
  h.test = {"CMD-SHELL", "curl -fs localhost || exit 1"};
  EXPECT_EQ(HealthCommand(h), "/bin/sh -c 'curl -fs localhost || exit 1'");
}

TEST(GuestStatus, FollowsReadinessThenHealth) {
  GuestState s;
  EXPECT_EQ(GuestStatus(s), "running");
  s.ssh_ms = 1;
  EXPECT_EQ(GuestStatus(s), "running");
  s.ready_ms = 2;
  EXPECT_EQ(GuestStatus(s), "ready");
  s.health = "starting";
  EXPECT_EQ(GuestStatus(s), "ready");
  s.health = "healthy";
  EXPECT_EQ(GuestStatus(s), "healthy");
  s.health = "unhealthy";
  EXPECT_EQ(GuestStatus(s), "unhealthy");
}

TEST(ExecCommand, WordsRunAsGivenWithEnvAndWorkdir) {
  std::string error;
  EXPECT_EQ(tools::BuildExecCommand({"echo", "a b", "$HOME"}, {}, "", &error),
            "exec 'echo' 'a b' '$HOME'");
  EXPECT_EQ(tools::BuildExecCommand({"pwd"}, {"A=1", "B=x y"}, "/srv/my app", &error),
            "cd '/srv/my app' && exec env -- 'A=1' 'B=x y' 'pwd'");
  EXPECT_EQ(tools::BuildExecCommand({"pwd"}, {"1A=1"}, "", &error), "");
  EXPECT_NE(error.find("-e '1A=1'"), std::string::npos) << error;
  EXPECT_EQ(tools::BuildExecCommand({"pwd"}, {"NOVALUE"}, "", &error), "");
}

// What the guest's shell makes of it (Debian's sh and env, as in a cloud
// image): a regression, the "--" after the assignments was run as the
// command ("env: '--': No such file or directory").
TEST(ExecCommand, TheGuestsShellRunsItWithTheEnvironmentAndDirectory) {
  std::string error;
  const std::string line = tools::BuildExecCommand({"sh", "-c", "echo \"$A-$B-$PWD\""},
                                                   {"A=1", "B=x y"}, "/tmp", &error);
  ASSERT_FALSE(line.empty()) << error;
  FILE* p = popen(("/bin/sh -c " + tools::ShellQuote(line)).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::array<char, 256> buf{};
  std::string out;
  while (fgets(buf.data(), buf.size(), p) != nullptr) {
    out += buf.data();
  }
  EXPECT_EQ(pclose(p), 0);
  EXPECT_EQ(out, "1-x y-/tmp\n");
}

}  // namespace
}  // namespace qc::readiness
