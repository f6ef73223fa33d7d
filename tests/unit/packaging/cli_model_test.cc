// The CLI model read off a CLI11 app: what completions and man pages list.
#include "cli/cli_model.h"

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

namespace qc::cli {
namespace {

struct SampleApp {
  CLI::App app{"A sample.", "prog"};
  std::string file, format = "text", shell, hidden_value;
  std::vector<std::string> vms, nets, rest;
  bool follow = false;
  SampleApp() {
    app.add_option("-f,--file", file, "Compose file");
    auto* logs = app.add_subcommand("logs", "Print logs");
    logs->add_option("vm", vms, "VM names");
    logs->add_flag("-f,--follow", follow, "Follow");
    logs->add_option("--format", format, "Format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    auto* net = app.add_subcommand("network", "Networks");
    net->require_subcommand(1);
    net->add_subcommand("down", "Remove")->alias("rm")->add_option("networks", nets)->required();
    auto* ssh = app.add_subcommand("ssh", "SSH");
    ssh->add_option("vm", shell)->required();
    ssh->add_option("command", rest);
    ssh->prefix_command();
    app.add_subcommand("__secret", "")->group("");
    app.add_option("--internal", hidden_value)->group("");
  }
};

TEST(CliModel, ListsCommandsOptionsAndPositionalsButNotHiddenOnesOrHelp) {
  SampleApp s;
  const CliCommand root = DescribeCli(s.app);
  EXPECT_EQ(root.name, "prog");
  ASSERT_EQ(root.options.size(), 1U);
  EXPECT_EQ(root.options[0].names, (std::vector<std::string>{"-f", "--file"}));
  EXPECT_EQ(root.options[0].kind, ValueKind::kFile);
  ASSERT_EQ(root.subcommands.size(), 3U);
  EXPECT_EQ(root.subcommands[0].name, "logs");
  EXPECT_EQ(root.subcommands[1].name, "network");
  EXPECT_EQ(root.subcommands[2].name, "ssh");
}

TEST(CliModel, DescribesFlagsValuesChoicesAndDefaults) {
  SampleApp s;
  const CliCommand logs = DescribeCli(s.app).subcommands[0];
  ASSERT_EQ(logs.options.size(), 2U);
  EXPECT_FALSE(logs.options[0].takes_value());
  EXPECT_EQ(logs.options[0].names, (std::vector<std::string>{"-f", "--follow"}));
  EXPECT_TRUE(logs.options[1].takes_value());
  EXPECT_EQ(logs.options[1].kind, ValueKind::kChoice);
  EXPECT_EQ(logs.options[1].choices, (std::vector<std::string>{"text", "json"}));
  EXPECT_EQ(logs.options[1].default_value, "text");
  ASSERT_EQ(logs.positionals.size(), 1U);
  EXPECT_EQ(logs.positionals[0].kind, ValueKind::kVm);
  EXPECT_TRUE(logs.positionals[0].repeated);
}

TEST(CliModel, NestedCommandsAliasesAndPrefixCommands) {
  SampleApp s;
  const CliCommand root = DescribeCli(s.app);
  const CliCommand& net = root.subcommands[1];
  EXPECT_TRUE(net.needs_subcommand);
  ASSERT_EQ(net.subcommands.size(), 1U);
  EXPECT_EQ(net.subcommands[0].aliases, (std::vector<std::string>{"rm"}));
  EXPECT_EQ(net.subcommands[0].positionals[0].kind, ValueKind::kNetwork);
  EXPECT_TRUE(net.subcommands[0].positionals[0].required);
  const CliCommand& ssh = root.subcommands[2];
  EXPECT_TRUE(ssh.rest_is_command);
  EXPECT_EQ(ssh.positionals[1].kind, ValueKind::kNone);
}

TEST(CliModel, KindFollowsTheArgumentName) {
  EXPECT_EQ(KindOfName("vms"), ValueKind::kVm);
  EXPECT_EQ(KindOfName("VM"), ValueKind::kVm);
  EXPECT_EQ(KindOfName("networks"), ValueKind::kNetwork);
  EXPECT_EQ(KindOfName("volume"), ValueKind::kVolume);
  EXPECT_EQ(KindOfName("FILE"), ValueKind::kFile);
  EXPECT_EQ(KindOfName("name"), ValueKind::kNone);
}

}  // namespace
}  // namespace qc::cli
