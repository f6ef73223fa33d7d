// The console relay: what reaches the VM and the terminal, and when it ends.
// A socketpair stands in for QEMU's console socket; pipes for the terminal.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "console_relay.h"

namespace qc::tools {
namespace {

class ConsoleRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    (void)signal(SIGPIPE, SIG_IGN);
    ASSERT_EQ(pipe2(in_, O_CLOEXEC), 0);
    ASSERT_EQ(pipe2(out_, O_CLOEXEC | O_NONBLOCK), 0);
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, vm_), 0);
    sigemptyset(&mask_);
  }
  void TearDown() override {
    for (int fd : {in_[0], in_[1], out_[0], out_[1], vm_[0], vm_[1]}) {
      if (fd >= 0) {
        close(fd);
      }
    }
  }
  void Type(const std::string& s) {
    ASSERT_EQ(write(in_[1], s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  void VmPrints(const std::string& s) {
    ASSERT_EQ(write(vm_[1], s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  RelayEnd Relay() {
    std::string error;
    RelayEnd end = RelayConsole(in_[0], out_[1], vm_[0], &stop_, &mask_, &error);
    EXPECT_TRUE(end != RelayEnd::kError) << error;
    return end;
  }
  static std::string Drain(int fd) {
    std::string got;
    char buf[4096];
    for (;;) {
      ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n < 0 && errno == ENOTSOCK) {
        n = read(fd, buf, sizeof(buf));
      }
      if (n <= 0) {
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  std::string VmReceived() { return Drain(vm_[1]); }
  std::string TerminalShows() { return Drain(out_[0]); }

  int in_[2] = {-1, -1};
  int out_[2] = {-1, -1};
  int vm_[2] = {-1, -1};
  sigset_t mask_;
  volatile sig_atomic_t stop_ = 0;
};

TEST_F(ConsoleRelayTest, CtrlRightBracketDetachesAndOnlyEarlierBytesReachTheVm) {
  Type(std::string("ab") + kDetachByte + "cd");
  EXPECT_EQ(Relay(), RelayEnd::kDetached);
  EXPECT_EQ(VmReceived(), "ab");
}

TEST_F(ConsoleRelayTest, DetachAsTheFirstByteSendsNothing) {
  Type(std::string(1, kDetachByte));
  EXPECT_EQ(Relay(), RelayEnd::kDetached);
  EXPECT_EQ(VmReceived(), "");
}

TEST_F(ConsoleRelayTest, VmOutputAlreadyWaitingIsShownBeforeDetaching) {
  VmPrints("login: ");
  Type(std::string(1, kDetachByte));
  EXPECT_EQ(Relay(), RelayEnd::kDetached);
  EXPECT_EQ(TerminalShows(), "login: ");
}

TEST_F(ConsoleRelayTest, VmClosingTheConsoleEndsTheSessionAfterItsOutput) {
  VmPrints("reboot: Power down\n");
  shutdown(vm_[1], SHUT_WR);
  EXPECT_EQ(Relay(), RelayEnd::kPeerClosed);
  EXPECT_EQ(TerminalShows(), "reboot: Power down\n");
}

TEST_F(ConsoleRelayTest, InputEndingEndsTheSessionAfterSendingIt) {
  Type("root\n");
  close(in_[1]);
  in_[1] = -1;
  EXPECT_EQ(Relay(), RelayEnd::kInputClosed);
  EXPECT_EQ(VmReceived(), "root\n");
}

TEST_F(ConsoleRelayTest, CtrlCIsPassedThroughToTheVm) {
  Type(std::string("\x03") + kDetachByte);
  EXPECT_EQ(Relay(), RelayEnd::kDetached);
  EXPECT_EQ(VmReceived(), "\x03");
}

TEST_F(ConsoleRelayTest, StopRequestEndsTheSession) {
  stop_ = 1;
  EXPECT_EQ(Relay(), RelayEnd::kStopped);
}

}  // namespace
}  // namespace qc::tools
