// LaunchRunner + the real qc-vmrunner binary, with a fake QEMU that reports
// what it inherited: the exec'd process gets exactly the validated argv, no
// stray fds, no_new_privs and its own session; bad specs never start it.
#include "runner_launch.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "stop_vm.h"
#include "test_specs.h"

namespace qc {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class LaunchRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qc-launch-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    ASSERT_EQ(mkdir((root_ + "/web").c_str(), 0700), 0);
    std::ofstream(root_ + "/vmlinuz") << "kernel";
    spec_ = runner::testing::MinimalSpec();
    spec_.set_state_root(root_);
    spec_.set_instance_dir(root_ + "/web");
    spec_.set_kernel(root_ + "/vmlinuz");
    spec_.clear_initrd();
    auto* nic = spec_.add_nics();
    nic->set_mac("52:54:00:01:02:03");
    nic->set_user_mode(true);
    auto* fwd = nic->add_forwards();
    fwd->set_host_port(2222);
    fwd->set_guest_port(22);
    spec_.set_accel("tcg");
    setenv("QEMU_COMPOSE_QEMU", FAKE_QEMU_PATH, 1);
    log_ = root_ + "/web/runner.log";
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      WaitForExit(pid_, 5000);
    }
    unsetenv("QEMU_COMPOSE_QEMU");
    std::string cmd = "rm -rf '" + root_ + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  // Waits for the fake QEMU's report (it writes it atomically at start).
  std::string Report() {
    std::string path = root_ + "/web/fake-qemu.report";
    for (int i = 0; i < 100 && access(path.c_str(), F_OK) != 0; ++i) {
      usleep(50 * 1000);
    }
    return ReadFile(path);
  }

  std::string root_;
  std::string log_;
  qc::vm::VmSpec spec_;
  pid_t pid_ = -1;
};

TEST_F(LaunchRunnerTest, ExecsQemuWithCleanFdsAndReturnsItsPid) {
  // A descriptor the frontend forgot to mark close-on-exec must not leak.
  int leaky = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 0);
  std::string err;
  ASSERT_TRUE(LaunchRunner(RUNNER_PATH, spec_, {}, log_, &pid_, &err)) << err;
  close(leaky);
  ASSERT_GT(pid_, 0);
  std::string report = Report();
  EXPECT_NE(report.find("pid " + std::to_string(pid_) + "\n"), std::string::npos) << report;
  EXPECT_NE(report.find("session_leader yes\n"), std::string::npos) << report;
  EXPECT_NE(report.find("no_new_privs 1\n"), std::string::npos) << report;
  EXPECT_NE(report.find("fds 0 1 2 \n"), std::string::npos) << report;
  EXPECT_NE(report.find("arg " + std::string(FAKE_QEMU_PATH) + "\n"), std::string::npos);
  EXPECT_NE(report.find("arg q35,accel=tcg\n"), std::string::npos) << report;
  EXPECT_NE(report.find("arg user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22\n"), std::string::npos)
      << report;
  // The runner logged what it started; the frontend's stdio is not involved.
  EXPECT_NE(ReadFile(log_).find("starting pid " + std::to_string(pid_)), std::string::npos);
  // Not our child: the runner was double-forked away.
  EXPECT_EQ(getppid() == pid_, false);
  EXPECT_EQ(waitpid(pid_, nullptr, WNOHANG), -1);
}

TEST_F(LaunchRunnerTest, InvalidSpecIsRefusedAndLogged) {
  spec_.set_cpus(0);
  std::string err;
  EXPECT_FALSE(LaunchRunner(RUNNER_PATH, spec_, {}, log_, &pid_, &err));
  EXPECT_EQ(err, "error: invalid VM spec: cpus must be between 1 and 64, got 0");
  EXPECT_EQ(pid_, -1);
  EXPECT_NE(ReadFile(log_).find(
                "qc-vmrunner[web]: error: invalid VM spec: cpus must be between 1 and 64, got 0"),
            std::string::npos);
  EXPECT_NE(access((root_ + "/web/fake-qemu.report").c_str(), F_OK), 0);
}

TEST_F(LaunchRunnerTest, MissingKernelIsRefused) {
  spec_.set_kernel(root_ + "/missing");
  std::string err;
  EXPECT_FALSE(LaunchRunner(RUNNER_PATH, spec_, {}, log_, &pid_, &err));
  EXPECT_EQ(err, "error: invalid VM spec: kernel " + root_ + "/missing: No such file or directory");
}

TEST_F(LaunchRunnerTest, FdThatIsNotATapIsRefused) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  spec_.clear_nics();
  auto* nic = runner::testing::AddTapNic(&spec_, "52:54:00:01:02:03", {0});
  (void)nic;
  std::string err;
  EXPECT_FALSE(LaunchRunner(RUNNER_PATH, spec_, {p[0]}, log_, &pid_, &err));
  EXPECT_EQ(err,
            "error: invalid VM spec: nic 0: fd for tap_fd_index 0 is not a TAP device "
            "(TUNGETIFF: Inappropriate ioctl for device)");
  close(p[0]);
  close(p[1]);
}

TEST_F(LaunchRunnerTest, FdCountMustMatchTheSpec) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::string err;
  EXPECT_FALSE(LaunchRunner(RUNNER_PATH, spec_, {p[0]}, log_, &pid_, &err));
  EXPECT_EQ(err, "error: invalid VM spec: 1 fds were passed but the NICs use 0");
  close(p[0]);
  close(p[1]);
}

TEST_F(LaunchRunnerTest, MissingQemuBinaryIsReported) {
  setenv("QEMU_COMPOSE_QEMU", "/nonexistent/qemu", 1);
  std::string err;
  EXPECT_FALSE(LaunchRunner(RUNNER_PATH, spec_, {}, log_, &pid_, &err));
  EXPECT_EQ(err, "error: QEMU_COMPOSE_QEMU /nonexistent/qemu is not an executable file");
}

TEST_F(LaunchRunnerTest, MissingRunnerIsReported) {
  std::string err;
  EXPECT_FALSE(LaunchRunner("/nonexistent/qc-vmrunner", spec_, {}, log_, &pid_, &err));
  EXPECT_EQ(
      err,
      "error: cannot execute the VM runner (cannot run /nonexistent/qc-vmrunner: No such file "
      "or directory)");
}

TEST_F(LaunchRunnerTest, UnwritableLogIsReported) {
  std::string err;
  EXPECT_FALSE(LaunchRunner(RUNNER_PATH, spec_, {}, "/nonexistent/runner.log", &pid_, &err));
  EXPECT_EQ(err, "cannot open runner log /nonexistent/runner.log: No such file or directory");
}

TEST_F(LaunchRunnerTest, StartedRunnersAllExecTheirQemuBeforeAnyIsCollected) {
  // `up` starts every VM's runner first and collects their answers after:
  // each must still get its own QEMU, with its own pid.
  constexpr int kVms = 4;
  std::vector<PendingRunner> pending(kVms);
  std::string err;
  for (int i = 0; i < kVms; ++i) {
    std::string dir = root_ + "/vm" + std::to_string(i);
    ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
    qc::vm::VmSpec spec = spec_;
    spec.set_name("vm" + std::to_string(i));
    spec.set_instance_dir(dir);
    ASSERT_TRUE(StartRunner(RUNNER_PATH, spec, {}, dir + "/runner.log", &pending[i], &err)) << err;
  }
  std::vector<pid_t> pids;
  for (int i = 0; i < kVms; ++i) {
    pid_t pid = -1;
    ASSERT_TRUE(FinishRunner(&pending[i], &pid, &err)) << err;
    EXPECT_EQ(pending[i].sock, -1);
    pids.push_back(pid);
  }
  for (int i = 0; i < kVms; ++i) {
    std::string report = root_ + "/vm" + std::to_string(i) + "/fake-qemu.report";
    for (int k = 0; k < 100 && access(report.c_str(), F_OK) != 0; ++k) {
      usleep(50 * 1000);
    }
    EXPECT_NE(ReadFile(report).find("pid " + std::to_string(pids[i]) + "\n"), std::string::npos)
        << "vm" << i;
    kill(pids[i], SIGKILL);
    WaitForExit(pids[i], 5000);
  }
}

// A stand-in for QEMU's QMP monitor: after delay_ms, listens on `path` and
// greets every client like QEMU does; runs until killed.
pid_t FakeQmpServer(const std::string& path, int delay_ms) {
  pid_t pid = fork();
  if (pid != 0) {
    return pid;
  }
  usleep(delay_ms * 1000);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 4) != 0) {
    _exit(1);
  }
  static const char kGreeting[] =
      "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7}}, \"capabilities\": []}}\r\n";
  for (;;) {
    int c = accept(fd, nullptr, nullptr);
    if (c >= 0) {
      (void)write(c, kGreeting, sizeof(kGreeting) - 1);
      close(c);
    }
  }
}

QmpWait Wait(const std::string& sock, pid_t pid) {
  QmpWait w;
  w.qmp_sock = sock;
  w.pid = pid;
  return w;
}

TEST_F(LaunchRunnerTest, QmpGreetingsAreAwaitedForAllAtOnce) {
  std::vector<pid_t> servers;
  std::vector<QmpWait> vms;
  for (int i = 0; i < 3; ++i) {
    std::string sock = root_ + "/qmp" + std::to_string(i) + ".sock";
    servers.push_back(FakeQmpServer(sock, 100 * i));
    vms.push_back(Wait(sock, servers.back()));
  }
  EXPECT_TRUE(WaitForQmpGreetings(&vms, 30000));
  for (const auto& v : vms) {
    EXPECT_TRUE(v.ready) << v.qmp_sock << ": " << v.error;
    EXPECT_EQ(v.error, "");
  }
  for (pid_t s : servers) {
    kill(s, SIGKILL);
    waitpid(s, nullptr, 0);
  }
}

TEST_F(LaunchRunnerTest, QemuThatExitsBeforeGreetingIsReported) {
  pid_t dead = fork();
  if (dead == 0) {
    _exit(1);
  }
  std::string sock = root_ + "/qmp-ok.sock";
  pid_t server = FakeQmpServer(sock, 0);
  std::vector<QmpWait> vms = {Wait(root_ + "/never.sock", dead), Wait(sock, server)};
  EXPECT_FALSE(WaitForQmpGreetings(&vms, 30000));
  EXPECT_FALSE(vms[0].ready);
  EXPECT_EQ(vms[0].error, "QEMU (pid " + std::to_string(dead) + ") exited during start-up");
  EXPECT_TRUE(vms[1].ready) << vms[1].error;
  kill(server, SIGKILL);
  waitpid(server, nullptr, 0);
  waitpid(dead, nullptr, 0);
}

TEST_F(LaunchRunnerTest, SilentQemuIsReportedAtTheDeadline) {
  pid_t silent = fork();
  if (silent == 0) {
    pause();
    _exit(0);
  }
  std::vector<QmpWait> vms = {Wait(root_ + "/silent.sock", silent)};
  EXPECT_FALSE(WaitForQmpGreetings(&vms, 300));
  EXPECT_FALSE(vms[0].ready);
  EXPECT_NE(vms[0].error.find("did not greet on its QMP socket"), std::string::npos)
      << vms[0].error;
  kill(silent, SIGKILL);
  waitpid(silent, nullptr, 0);
}

// The runner's side of the protocol with bytes no frontend would send.
std::string RunnerAnswerTo(const std::string& datagram, int* exit_code) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return "socketpair failed";
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(sv[1], 3);
    close_range(4, ~0U, 0);
    execl(RUNNER_PATH, RUNNER_PATH, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(sv[1]);
  (void)send(sv[0], datagram.data(), datagram.size(), MSG_NOSIGNAL);
  char buf[4096];
  ssize_t n = recv(sv[0], buf, sizeof(buf), 0);
  close(sv[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
}

TEST(Runner, GarbageSpecIsRefused) {
  int code = 0;
  EXPECT_EQ(RunnerAnswerTo("\xff\xff\xff", &code),
            "error: the VM spec is not a valid qc.vm.VmSpec message");
  EXPECT_EQ(code, 1);
}

TEST(Runner, SpecWithOnlyAnEmptyNameIsRefusedByValidation) {
  int code = 0;
  EXPECT_EQ(RunnerAnswerTo(std::string(1, '\0'), &code),
            "error: the VM spec is not a valid qc.vm.VmSpec message");
  // Field 1 (name), length 0: a well-formed message that says nothing.
  EXPECT_EQ(RunnerAnswerTo(std::string("\x0a\x00", 2), &code),
            "error: invalid VM spec: name \"\" is invalid: must match [a-z0-9][a-z0-9-]{0,62}");
  EXPECT_EQ(code, 1);
}

TEST(Runner, StartedByHandExplainsItself) {
  std::string cmd = std::string(RUNNER_PATH) + " 3>&- 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[512] = {};
  std::size_t n = fread(buf, 1, sizeof(buf) - 1, p);
  int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(std::string(buf, n),
            "qc-vmrunner: fd 3 is not an AF_UNIX SOCK_SEQPACKET socket; this program is started "
            "by qemu-compose, not by hand\n");
}

}  // namespace
}  // namespace qc
