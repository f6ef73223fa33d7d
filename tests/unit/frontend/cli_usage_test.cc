// The CLI's usage errors: exit code 2 and a message naming the problem.
#include <gtest/gtest.h>
#include <unistd.h>
#include <cstdlib>

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

// Named volumes without any VM running: volume ls shows a made one, down
// keeps it, down --volumes deletes it, volume rm of an unknown name is a
// usage error. (No QEMU: the disk is made by `up`'s code path elsewhere;
// here a stand-in file in its place is enough for the commands.)
TEST(CliVolumes, LsRmAndDownVolumes) {
  char tmpl[] = "/tmp/qc-cli-vol-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string file = dir + "/qemu-compose.yaml";
  FILE* f = fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(
      "name: vols\nvolumes:\n  data: {size: 1G}\n  logs: {}\nvms:\n  a:\n"
      "    kernel: /nonexistent/vmlinuz\n    volumes: [data, logs]\n",
      f);
  fclose(f);
  const std::string qc = "-f " + file + " ";
  Result r = RunCli(qc + "volume ls");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("data   not-created   1.0GiB"), std::string::npos) << r.output;
  ASSERT_EQ(
      std::system(("mkdir -p " + dir + "/.qemu-compose/volumes && qemu-img create -q -f qcow2 " +
                   dir + "/.qemu-compose/volumes/data.qcow2 1G")
                      .c_str()),
      0);
  r = RunCli(qc + "volume ls --format json");
  EXPECT_NE(r.output.find("\"status\": \"created\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"logs\""), std::string::npos) << r.output;
  r = RunCli(qc + "volume rm nosuch");
  EXPECT_EQ(r.code, 2) << r.output;
  r = RunCli(qc + "down");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(access((dir + "/.qemu-compose/volumes/data.qcow2").c_str(), F_OK), 0)
      << "down without --volumes deleted a volume";
  r = RunCli(qc + "down --volumes");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("volume data removed"), std::string::npos) << r.output;
  EXPECT_NE(access((dir + "/.qemu-compose/volumes/data.qcow2").c_str(), F_OK), 0);
  (void)std::system(("rm -rf " + dir).c_str());
}

}  // namespace

// ssh/exec: everything after the VM is the guest's command, dashes included
// (a regression: "-la" used to be rejected as an unknown option). The VM
// does not exist, so getting that far proves the words were accepted.
TEST(CliUsage, SshAndExecPassTheCommandsOptionsToTheGuest) {
  char dir[] = "/tmp/qc-cli-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string compose = std::string(dir) + "/qemu-compose.yaml";
  FILE* f = fopen(compose.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("vms:\n  a:\n    image: /nonexistent.qcow2\n", f);
  fclose(f);
  for (const std::string args :
       {"ssh a ls -la", "exec a sh -c 'exit 3'", "exec -e X=1 -e Y=2 -w /tmp -t a ls -la"}) {
    Result r = RunCli("-f " + compose + " " + args);
    EXPECT_EQ(r.code, 1) << args << ": " << r.output;
    EXPECT_NE(r.output.find("vm 'a' is not created"), std::string::npos)
        << args << ": " << r.output;
  }
  Result r = RunCli("-f " + compose + " exec a");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("a command is required"), std::string::npos) << r.output;
  r = RunCli("-f " + compose + " exec -e NOEQUALS a true");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("-e 'NOEQUALS'"), std::string::npos) << r.output;
  std::remove(compose.c_str());
  rmdir(dir);
}
