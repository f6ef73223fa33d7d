#include "commands/introspection.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/completion_script.h"
#include "cli/exit_codes.h"
#include "cli/man_page.h"
#include "commands/context.h"

namespace qc::commands {

Introspection::Introspection(CLI::App* app) {
  completion_ = app->add_subcommand(
      "completion",
      "Print the shell completion script: `source <(qemu-compose completion bash)` (commands, "
      "flags, and VM and network names from the compose file)");
  completion_->add_option("shell", shell_, "Shell")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));

  names_ = app->add_subcommand("__complete-names", "");
  names_->group("");
  names_->add_option("kind", kind_)
      ->required()
      ->check(CLI::IsMember({"vms", "networks", "volumes"}));

  man_ = app->add_subcommand("__man", "");
  man_->group("");
  man_->add_option("template", template_)->required();
  man_->add_option("root", root_)->required();
  man_->add_option("output", output_)->required();
}

bool Introspection::Parsed() const {
  return completion_->parsed() || names_->parsed() || man_->parsed();
}

int Introspection::Run(const CLI::App& app, const GlobalOptions& g) const {
  if (completion_->parsed()) {
    const cli::CliCommand cli = cli::DescribeCli(app);
    std::cout << (shell_ == "bash" ? cli::BashCompletionScript(cli)
                                   : cli::ZshCompletionScript(cli));
    return cli::kExitOk;
  }
  if (names_->parsed()) {
    // Completion runs this on every Tab: no messages, whatever is wrong.
    std::FILE* err = std::freopen("/dev/null", "w", stderr);
    (void)err;
    Context ctx;
    if (!LoadContext(g, &ctx)) {
      return cli::kExitBadCompose;
    }
    auto print = [](const auto& map) {
      for (const auto& [name, value] : map) {
        std::cout << name << "\n";
      }
    };
    if (kind_ == "vms") {
      print(ctx.project.vms);
    } else if (kind_ == "networks") {
      print(ctx.project.networks);
    } else {
      print(ctx.project.volumes);
    }
    return cli::kExitOk;
  }
  std::ifstream in(template_);
  if (!in) {
    std::cerr << "error: cannot read " << template_ << "\n";
    return cli::kExitError;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string roff, error;
  if (!cli::RenderManPage(text.str(), root_, cli::DescribeCli(app), &roff, &error)) {
    std::cerr << "error: " << template_ << ": " << error << "\n";
    return cli::kExitError;
  }
  std::ofstream out(output_, std::ios::trunc);
  out << roff;
  out.close();
  if (!out) {
    std::cerr << "error: cannot write " << output_ << "\n";
    return cli::kExitError;
  }
  return cli::kExitOk;
}

}  // namespace qc::commands
