// `qemu-compose logs -n N`: the lines a user sees for various log files.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "logs.h"

namespace qc::tools {
namespace {

class LogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qc-logs-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/serial.log";
    out_path_ = dir_ + "/out";
  }
  void TearDown() override {
    unlink(path_.c_str());
    unlink(out_path_.c_str());
    rmdir(dir_.c_str());
  }
  void WriteLog(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }
  // What `logs -n lines` prints.
  std::string Print(int lines, int* rc, std::string* error) {
    int fd = open(out_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    off_t end = -1;
    *rc = PrintLastLines(path_, lines, fd, &end, error);
    close(fd);
    std::ifstream in(out_path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string Print(int lines) {
    int rc = -1;
    std::string error;
    std::string out = Print(lines, &rc, &error);
    EXPECT_EQ(rc, 0) << error;
    return out;
  }
  std::string dir_, path_, out_path_;
};

TEST_F(LogsTest, LastLinesWithTrailingNewline) {
  WriteLog("one\ntwo\nthree\n");
  EXPECT_EQ(Print(2), "two\nthree\n");
  EXPECT_EQ(Print(1), "three\n");
}

TEST_F(LogsTest, LastLinesWithoutTrailingNewline) {
  WriteLog("one\ntwo\nthree");
  EXPECT_EQ(Print(2), "two\nthree");
  EXPECT_EQ(Print(1), "three");
}

TEST_F(LogsTest, MoreLinesThanTheFileHasPrintsEverything) {
  WriteLog("one\ntwo\n");
  EXPECT_EQ(Print(10), "one\ntwo\n");
  EXPECT_EQ(Print(-1), "one\ntwo\n");
}

TEST_F(LogsTest, ZeroLinesPrintsNothing) {
  WriteLog("one\ntwo\n");
  EXPECT_EQ(Print(0), "");
}

TEST_F(LogsTest, EmptyLinesCount) {
  WriteLog("a\n\n\nb\n");
  EXPECT_EQ(Print(3), "\n\nb\n");
}

TEST_F(LogsTest, EmptyFilePrintsNothing) {
  WriteLog("");
  EXPECT_EQ(Print(5), "");
  EXPECT_EQ(Print(-1), "");
}

TEST_F(LogsTest, TailOfALogLargerThanOneReadChunk) {
  std::string content;
  for (int i = 0; i < 50000; ++i) {
    content += "line " + std::to_string(i) + "\n";
  }
  WriteLog(content);
  EXPECT_EQ(Print(3), "line 49997\nline 49998\nline 49999\n");
  EXPECT_EQ(Print(-1).size(), content.size());
}

TEST_F(LogsTest, MissingFileIsAClearError) {
  int rc = 0;
  std::string error;
  Print(10, &rc, &error);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(error.find("no serial log at " + path_), std::string::npos) << error;
}

TEST_F(LogsTest, DirectoryIsAClearError) {
  int rc = 0;
  std::string error;
  off_t end = 0;
  rc = PrintLastLines(dir_, 10, STDOUT_FILENO, &end, &error);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

TEST(LastLines, CountsLinesFromTheEnd) {
  EXPECT_EQ(LastLines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(LastLines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(LastLines("\n", 1), "\n");
  EXPECT_EQ(LastLines("abc", 1), "abc");
  EXPECT_EQ(LastLines("", 3), "");
}

}  // namespace
}  // namespace qc::tools
