// The commands that describe the CLI itself, all read off the CLI11 app after
// main.cc has defined every command (so they always match it):
//   completion bash|zsh          print a shell completion script
//   __complete-names KIND        (hidden) VM, network or volume names of the
//                                compose file, for those scripts; silent on error
//   __man TEMPLATE ROOT OUTPUT   (hidden) the man page from TEMPLATE (cli/man_page.h;
//                                files it names are relative to ROOT), for the build
#pragma once

#include <string>

#include "commands/global_options.h"

namespace CLI {
class App;
}

namespace qc::commands {

class Introspection {
 public:
  // Adds the three subcommands to `app`. Keep the object alive until Run.
  explicit Introspection(CLI::App* app);
  Introspection(const Introspection&) = delete;
  Introspection& operator=(const Introspection&) = delete;

  // True if the command line chose one of them.
  bool Parsed() const;
  int Run(const CLI::App& app, const GlobalOptions& g) const;

 private:
  CLI::App* completion_;
  CLI::App* names_;
  CLI::App* man_;
  std::string shell_;
  std::string kind_;
  std::string template_;
  std::string root_;
  std::string output_;
};

}  // namespace qc::commands
