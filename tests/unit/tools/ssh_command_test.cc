// The ssh command line `qemu-compose ssh` runs.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "ssh_command.h"

namespace qc::tools {
namespace {

using Argv = std::vector<std::string>;

TEST(SshCommand, UserModeVmWithKeyAndCommand) {
  SshTarget t{
      "127.0.0.1", 2222, "", "/p/.qemu-compose/ssh/id_ed25519", "/p/.qemu-compose/ssh/known_hosts",
      {}};
  EXPECT_EQ(BuildSshArgv(t, {"uname", "-a"}),
            (Argv{"ssh",
                  "-i",
                  "/p/.qemu-compose/ssh/id_ed25519",
                  "-o",
                  "IdentitiesOnly=yes",
                  "-p",
                  "2222",
                  "-o",
                  "UserKnownHostsFile=/p/.qemu-compose/ssh/known_hosts",
                  "-o",
                  "GlobalKnownHostsFile=/dev/null",
                  "-o",
                  "HashKnownHosts=no",
                  "-o",
                  "StrictHostKeyChecking=accept-new",
                  "-o",
                  "LogLevel=ERROR",
                  "--",
                  "root@127.0.0.1",
                  "uname",
                  "-a"}));
}

TEST(SshCommand, BridgeVmWithoutKeyOrCommand) {
  SshTarget t{"172.16.3.10", 22, "alice", "", "/k", {"-T"}};
  EXPECT_EQ(BuildSshArgv(t, {}), (Argv{"ssh", "-p", "22", "-o", "UserKnownHostsFile=/k", "-o",
                                       "GlobalKnownHostsFile=/dev/null", "-o", "HashKnownHosts=no",
                                       "-o", "StrictHostKeyChecking=accept-new", "-o",
                                       "LogLevel=ERROR", "-T", "--", "alice@172.16.3.10"}));
}

TEST(SshCommand, RejectsTargetsSshWouldMisread) {
  EXPECT_NE(ValidateSshTarget({"", 22, "", "", "/k", {}}), "");
  EXPECT_NE(ValidateSshTarget({"-oProxyCommand=x", 22, "", "", "/k", {}}), "");
  EXPECT_NE(ValidateSshTarget({"10.0.0.1", 0, "", "", "/k", {}}), "");
  EXPECT_NE(ValidateSshTarget({"10.0.0.1", 70000, "", "", "/k", {}}), "");
  EXPECT_NE(ValidateSshTarget({"10.0.0.1", 22, "a@b", "", "/k", {}}), "");
  EXPECT_EQ(ValidateSshTarget({"10.0.0.1", 22, "", "", "/k", {}}), "");
}

TEST(SshCommand, MissingSshBinaryIsAClearError) {
  // RunSsh execs on success, so run it in a child with an empty PATH.
  testing::internal::CaptureStderr();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("PATH", "/nonexistent", 1);
    _exit(RunSsh({"127.0.0.1", 2222, "", "", "/k", {}}, {}));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 127);
  EXPECT_NE(err.find("ssh client is not installed"), std::string::npos) << err;
}

}  // namespace
}  // namespace qc::tools
