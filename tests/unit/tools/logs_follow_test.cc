// `qemu-compose logs -f`: appended output, truncation and rotation, as seen
// through the output pipe. FollowLog runs in a thread; the test reads the
// pipe until the expected text arrives (the deadline only avoids a hang).
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "logs.h"

namespace qc::tools {
namespace {

class LogsFollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qc-logs-follow-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/serial.log";
    ASSERT_EQ(pipe2(pipe_, O_CLOEXEC), 0);
  }
  void TearDown() override {
    stop_ = 1;
    if (follower_.joinable()) follower_.join();
    close(pipe_[0]);
    close(pipe_[1]);
    std::remove(path_.c_str());
    std::remove((path_ + ".1").c_str());
    rmdir(dir_.c_str());
  }
  void Append(const std::string& s) { std::ofstream(path_, std::ios::app) << s; }
  void Follow(off_t from) {
    follower_ = std::thread([this, from] {
      std::string error;
      result_ = FollowLog(path_, from, pipe_[1], &stop_, &error);
    });
  }
  // Reads the pipe until `want` bytes arrived or 30 s passed.
  std::string Read(std::size_t want) {
    std::string got;
    while (got.size() < want) {
      pollfd pfd{pipe_[0], POLLIN, 0};
      if (poll(&pfd, 1, 30000) <= 0) break;
      char buf[256];
      ssize_t n = read(pipe_[0], buf, std::min(sizeof(buf), want - got.size()));
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  std::string dir_, path_;
  int pipe_[2] = {-1, -1};
  volatile sig_atomic_t stop_ = 0;
  int result_ = -1;
  std::thread follower_;
};

TEST_F(LogsFollowTest, PrintsAppendedOutputOnly) {
  Append("old\n");
  Follow(4);
  Append("new line\n");
  EXPECT_EQ(Read(9), "new line\n");
}

TEST_F(LogsFollowTest, TruncatedLogIsReadFromTheStart) {
  Append("a long first boot log\n");
  Follow(22);
  std::ofstream(path_, std::ios::trunc) << "reboot\n";
  EXPECT_EQ(Read(7), "reboot\n");
}

TEST_F(LogsFollowTest, RotatedLogIsDrainedThenTheNewFileIsFollowed) {
  Append("x\n");
  Follow(2);
  Append("tail of old\n");
  EXPECT_EQ(Read(12), "tail of old\n");
  ASSERT_EQ(std::rename(path_.c_str(), (path_ + ".1").c_str()), 0);
  Append("fresh\n");
  EXPECT_EQ(Read(6), "fresh\n");
}

TEST_F(LogsFollowTest, StopsWhenAsked) {
  Append("x\n");
  Follow(2);
  stop_ = 1;
  follower_.join();
  EXPECT_EQ(result_, 0);
}

}  // namespace
}  // namespace qc::tools
