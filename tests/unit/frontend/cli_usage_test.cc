// The CLI's usage errors: exit code 2 and a message naming the problem.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct Result {
  int code;
  std::string output;  // stdout + stderr
};

Result RunCli(const std::string& args) {
  std::string cmd = std::string(QC_FRONTEND_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  Result r{-1, ""};
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(CliUsage, NoSubcommandIsAUsageError) {
  Result r = RunCli("");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("subcommand"), std::string::npos) << r.output;
}

TEST(CliUsage, BadOptionValueIsAUsageErrorNamingTheOption) {
  Result r = RunCli("up --timeout soon");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("--timeout"), std::string::npos) << r.output;
  r = RunCli("ps --format xml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("xml"), std::string::npos) << r.output;
}

TEST(CliUsage, MissingRequiredArgumentIsAUsageError) {
  Result r = RunCli("inspect");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("vm"), std::string::npos) << r.output;
}

TEST(CliUsage, HelpExplainsExitCodes) {
  Result r = RunCli("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("Exit codes"), std::string::npos) << r.output;
  r = RunCli("up --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("--wait"), std::string::npos) << r.output;
}

TEST(CliUsage, MissingComposeFileIsExit3NamingTheFile) {
  Result r = RunCli("-f /nonexistent/qc-test.yaml ps");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.output.find("qc-test.yaml"), std::string::npos) << r.output;
}

}  // namespace
