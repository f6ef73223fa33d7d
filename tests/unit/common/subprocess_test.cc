#include "subprocess.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace qc {
namespace {

SpawnOptions Sh(const std::string& script) {
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c", script};
  o.out = Redirect::Pipe();
  o.err = Redirect::Pipe();
  return o;
}

// Alive = /proc/<pid> exists and is not a zombie.
bool Alive(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

bool GoneWithin(pid_t pid, int ms) {
  for (int i = 0; i < ms / 10; ++i) {
    if (!Alive(pid)) {
      return true;
    }
    usleep(10000);
  }
  return !Alive(pid);
}

TEST(Subprocess, ExitCode) {
  RunResult r = RunProcess(Sh("exit 7"));
  ASSERT_EQ(r.spawn_error, "");
  EXPECT_TRUE(r.status.Exited());
  EXPECT_EQ(r.status.code, 7);
  EXPECT_FALSE(r.Success());
  EXPECT_EQ(r.Describe(-1), "exited with status 7");
  EXPECT_TRUE(RunProcess(Sh("true")).Success());
}

TEST(Subprocess, KilledBySignal) {
  RunResult r = RunProcess(Sh("kill -TERM $$"));
  EXPECT_FALSE(r.status.Exited());
  EXPECT_EQ(r.status.signal, SIGTERM);
  EXPECT_NE(r.Describe(-1).find("killed by signal 15"), std::string::npos) << r.Describe(-1);
}

TEST(Subprocess, MissingProgramIsASpawnErrorNot127) {
  SpawnOptions o;
  o.argv = {"/nonexistent/qc-no-such-program"};
  RunResult r = RunProcess(o);
  EXPECT_NE(r.spawn_error.find("/nonexistent/qc-no-such-program"), std::string::npos);
  EXPECT_NE(r.spawn_error.find("No such file"), std::string::npos) << r.spawn_error;
  Child c;
  std::string err;
  EXPECT_FALSE(Spawn(o, &c, &err));
  EXPECT_FALSE(SpawnDetached(o, &err));
  EXPECT_NE(err.find("No such file"), std::string::npos) << err;
}

TEST(Subprocess, SearchPath) {
  SpawnOptions o;
  o.argv = {"sh", "-c", "exit 3"};
  o.search_path = true;
  EXPECT_EQ(RunProcess(o).status.code, 3);
  o.search_path = false;  // a bare name is then a path relative to cwd
  o.cwd = "/";
  EXPECT_NE(RunProcess(o).spawn_error, "");
}

TEST(Subprocess, CapturesStdoutAndStderrApart) {
  RunResult r = RunProcess(Sh("echo out; echo err >&2"));
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  SpawnOptions merged = Sh("echo out; echo err >&2");
  merged.err = Redirect::Stdout();
  r = RunProcess(merged);
  EXPECT_EQ(r.out, "out\nerr\n");
  EXPECT_EQ(r.err, "");
}

TEST(Subprocess, CaptureIsCappedButDrained) {
  // 200 KB written, 1 KB kept: the child must not block on a full pipe.
  RunResult r =
      RunProcess(Sh("i=0; while [ $i -lt 2000 ]; do echo "
                    "0123456789012345678901234567890123456789012345678901234567890123456789012345"
                    "678901234567890123456789; i=$((i+1)); done"),
                 -1, 1024);
  EXPECT_TRUE(r.Success());
  EXPECT_EQ(r.out.size(), 1024U);
}

TEST(Subprocess, NullAndStdinFromFd) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  ASSERT_EQ(write(p[1], "hello\n", 6), 6);
  close(p[1]);
  SpawnOptions o;
  o.argv = {"/bin/cat"};
  o.in = Redirect::Fd(p[0]);
  o.out = Redirect::Pipe();
  RunResult r = RunProcess(o);
  close(p[0]);
  EXPECT_EQ(r.out, "hello\n");
  o.in = Redirect::Null();
  EXPECT_EQ(RunProcess(o).out, "");
  SpawnOptions quiet = Sh("echo lost; echo lost >&2");
  quiet.out = Redirect::Null();
  quiet.err = Redirect::Null();
  r = RunProcess(quiet);
  EXPECT_TRUE(r.Success());
  EXPECT_EQ(r.out + r.err, "");
}

TEST(Subprocess, EnvironmentAndWorkingDirectory) {
  SpawnOptions o = Sh("echo \"$QC_A|$HOME|$(pwd)\"");
  o.env = std::vector<std::string>{"QC_A=1"};
  o.cwd = "/tmp";
  EXPECT_EQ(RunProcess(o).out, "1||/tmp\n");
}

// Lists the shell's own open fds (a glob, so no helper process adds one),
// leaving out the directory fd the glob had open while it read.
const char* kListFds =
    "for f in /proc/$$/fd/*; do [ -e \"$f\" ] && printf '%s ' \"${f##*/}\"; done";

TEST(Subprocess, OnlyStdioSurvivesEvenWithoutCloexec) {
  int leaked = fcntl(STDERR_FILENO, F_DUPFD, 20);  // no FD_CLOEXEC
  ASSERT_GE(leaked, 20);
  RunResult r = RunProcess(Sh(kListFds));
  close(leaked);
  EXPECT_EQ(r.out, "0 1 2 ");
}

TEST(Subprocess, PassFdsLandWhereAskedAndNothingElse) {
  int a[2];
  int b[2];
  ASSERT_EQ(pipe2(a, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(b, O_CLOEXEC), 0);
  // Crossed on purpose: each source sits on the other's target.
  ASSERT_EQ(dup3(a[1], 41, O_CLOEXEC), 41);
  ASSERT_EQ(dup3(b[1], 40, O_CLOEXEC), 40);
  close(a[1]);
  close(b[1]);
  SpawnOptions o = Sh(std::string(kListFds) + "; echo A >&40; echo B >&41");
  o.argv[0] = "/bin/bash";  // dash redirects single-digit fds only
  o.pass_fds = {{40, 41}, {41, 40}};
  RunResult r = RunProcess(o);
  close(40);
  close(41);
  EXPECT_EQ(r.out, "0 1 2 40 41 ");
  char buf[8] = {};
  EXPECT_EQ(read(a[0], buf, sizeof(buf)), 2);
  EXPECT_STREQ(buf, "A\n");
  EXPECT_EQ(read(b[0], buf, sizeof(buf)), 2);
  EXPECT_EQ(std::string(buf, 2), "B\n");
  for (int fd : {a[0], b[0]}) {
    close(fd);
  }
}

TEST(Subprocess, NewSession) {
  SpawnOptions o = Sh("read p c s pp pg sid rest < /proc/self/stat; echo $sid");
  o.new_session = true;
  Child c;
  std::string err;
  ASSERT_TRUE(Spawn(o, &c, &err)) << err;
  ExitStatus s = Wait(c.pid());
  EXPECT_TRUE(s.Success());
  char buf[32] = {};
  ASSERT_GT(read(c.stdout_fd(), buf, sizeof(buf) - 1), 0);
  EXPECT_EQ(std::stoi(buf), c.pid());
}

TEST(Subprocess, TimeoutKillsTheChild) {
  RunResult r = RunProcess(Sh("exec sleep 30"), 200);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.status.signal, SIGKILL);
  EXPECT_FALSE(r.Success());
  EXPECT_EQ(r.Describe(200), "timed out after 200 ms");
}

TEST(Subprocess, TimeoutKillsTheWholeSessionGroup) {
  // The shell's background sleep holds the pipe and would outlive a kill
  // of the shell alone.
  SpawnOptions o = Sh("sleep 30 & echo $!; wait");
  o.new_session = true;
  RunResult r = RunProcess(o, 300);
  EXPECT_TRUE(r.timed_out);
  ASSERT_FALSE(r.out.empty());
  pid_t grandchild = std::stoi(r.out);
  EXPECT_TRUE(GoneWithin(grandchild, 5000));
}

TEST(Subprocess, OutputHeldByAGrandchildDoesNotBlockRun) {
  RunResult r = RunProcess(Sh("sleep 30 & echo $!"));
  EXPECT_TRUE(r.Success());
  ASSERT_FALSE(r.out.empty());
  kill(std::stoi(r.out), SIGKILL);
}

TEST(Subprocess, WaitForThenWaitOrKill) {
  Child c;
  std::string err;
  ASSERT_TRUE(Spawn(Sh("exec sleep 30"), &c, &err)) << err;
  EXPECT_FALSE(WaitFor(c.pid(), 50).has_value());
  bool killed = false;
  ExitStatus s = WaitOrKill(c.pid(), 50, false, &killed);
  EXPECT_TRUE(killed);
  EXPECT_EQ(s.signal, SIGKILL);
  ASSERT_TRUE(Spawn(Sh("exit 4"), &c, &err)) << err;
  s = WaitOrKill(c.pid(), 5000, false, &killed);
  EXPECT_FALSE(killed);
  EXPECT_EQ(s.code, 4);
}

TEST(Subprocess, EchildEndsTheWaitInsteadOfSpinning) {
  Child c;
  std::string err;
  ASSERT_TRUE(Spawn(Sh("exit 0"), &c, &err)) << err;
  int status = 0;
  ASSERT_EQ(waitpid(c.pid(), &status, 0), c.pid());  // reaped behind the launcher's back
  EXPECT_TRUE(Wait(c.pid()).unknown);
  auto s = WaitFor(c.pid(), 1000);
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->unknown);
  EXPECT_TRUE(WaitOrKill(c.pid(), 1000, false).unknown);
}

TEST(Subprocess, SigchldIgnoredStillEnds) {
  // With SIGCHLD ignored the kernel reaps children itself: waitpid fails
  // with ECHILD once the child is gone.
  struct sigaction ign {};
  struct sigaction old {};
  ign.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGCHLD, &ign, &old), 0);
  RunResult r = RunProcess(Sh("echo hi"), 10000);
  RunResult t = RunProcess(Sh("exec sleep 30"), 100);
  sigaction(SIGCHLD, &old, nullptr);
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_TRUE(r.status.unknown);
  EXPECT_TRUE(t.timed_out);
}

void OnAlarm(int /*sig*/) {}

TEST(Subprocess, EintrIsRetried) {
  struct sigaction sa {};
  struct sigaction old {};
  sa.sa_handler = OnAlarm;  // no SA_RESTART: every blocking call sees EINTR
  ASSERT_EQ(sigaction(SIGALRM, &sa, &old), 0);
  itimerval every{{0, 20000}, {0, 20000}};
  itimerval off{};
  setitimer(ITIMER_REAL, &every, nullptr);
  RunResult r = RunProcess(Sh("sleep 0.3; echo done"));
  Child c;
  std::string err;
  bool spawned = Spawn(Sh("sleep 0.2; exit 5"), &c, &err);
  ExitStatus s = Wait(c.pid());
  setitimer(ITIMER_REAL, &off, nullptr);
  sigaction(SIGALRM, &old, nullptr);
  EXPECT_EQ(r.out, "done\n");
  EXPECT_TRUE(r.Success());
  ASSERT_TRUE(spawned) << err;
  EXPECT_EQ(s.code, 5);
}

TEST(Subprocess, SignalsStartAtTheirDefaults) {
  struct sigaction ign {};
  struct sigaction old {};
  ign.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGTERM, &ign, &old), 0);
  RunResult r = RunProcess(Sh("kill -TERM $$; exit 0"));
  sigaction(SIGTERM, &old, nullptr);
  EXPECT_EQ(r.status.signal, SIGTERM);
}

TEST(Subprocess, ResourceLimitsApplyToTheProgram) {
  SpawnOptions o = Sh("ulimit -t; ulimit -v");
  o.limits.cpu_seconds = 7;
  o.limits.address_space = 512ULL << 20;
  RunResult r = RunProcess(o);
  ASSERT_TRUE(r.Success()) << r.Describe(-1) << " " << r.err;
  EXPECT_EQ(r.out, "7\n524288\n");  // ulimit -v counts KiB
}

TEST(Subprocess, CpuLimitEndsABusyProgram) {
  SpawnOptions o = Sh("while :; do :; done");
  o.limits.cpu_seconds = 1;
  RunResult r = RunProcess(o, 60000);  // the timeout only guards the test
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.signal == SIGXCPU || r.status.signal == SIGKILL) << r.Describe(-1);
}

TEST(Subprocess, LimitedMissingProgramFails) {
  SpawnOptions o;
  o.argv = {"/nonexistent/qc-no-such-program"};
  o.limits.cpu_seconds = 1;
  RunResult r = RunProcess(o);
  EXPECT_FALSE(r.Success());
  EXPECT_EQ(r.status.code, 127);  // prlimit's exec failure, as a shell reports it
}

// waitpid(-1) finds no child: the program was reparented away from us.
TEST(Subprocess, DetachedIsNotOurChild) {
  char dir[] = "/tmp/qc-subprocess-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/sid";
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c",
            "read p c s pp pg sid rest < /proc/self/stat; echo \"$p $sid\" > " + file +
                ".tmp; mv " + file + ".tmp " + file};
  std::string err;
  ASSERT_TRUE(SpawnDetached(o, &err)) << err;
  int status = 0;
  EXPECT_EQ(waitpid(-1, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  std::string line;
  for (int i = 0; i < 500 && line.empty(); ++i) {
    std::ifstream f(file);
    std::getline(f, line);
    usleep(10000);
  }
  std::istringstream in(line);
  pid_t pid = 0;
  pid_t sid = 0;
  in >> pid >> sid;
  EXPECT_GT(pid, 0) << line;
  EXPECT_EQ(pid, sid);  // its own session
  std::remove(file.c_str());
  rmdir(dir);
}

TEST(Subprocess, ForkCallReturnsTheFunctionsCode) {
  std::string err;
  pid_t pid = ForkCall([] { return 42; }, &err);
  ASSERT_GT(pid, 0) << err;
  EXPECT_EQ(Wait(pid).code, 42);
}

}  // namespace
}  // namespace qc
