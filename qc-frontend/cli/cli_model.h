// A plain description of the CLI11 app (commands, options, positionals),
// taken from the app itself at run time, so that `completion` and the man
// page list every command and flag main.cc defines, with no list kept by hand.
//
// What a word names follows from the argument's name: a positional called
// `vm`/`vms` completes VM names from the compose file, `network(s)` network
// names, `volume(s)` volume names; an option called `--file`, or whose value
// name says FILE, PATH or DIR, completes file names; an `IsMember` check
// gives the choices. Subcommands and options in the empty group ("") are
// hidden from help, completion and man page alike.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace qc::cli {

enum class ValueKind { kNone, kFile, kVm, kNetwork, kVolume, kChoice };

struct CliOption {
  std::vector<std::string> names;  // "-f", "--file": short ones first
  std::string value_name;          // "" for a flag, else e.g. "TEXT", "INT"
  std::string description;
  std::string default_value;         // "" if none was captured
  std::vector<std::string> choices;  // from an IsMember check
  ValueKind kind = ValueKind::kNone;
  bool takes_value() const { return !value_name.empty(); }
};

struct CliPositional {
  std::string name;  // as declared, e.g. "vms"
  std::string description;
  bool required = false;
  bool repeated = false;             // takes every remaining word
  std::vector<std::string> choices;  // from an IsMember check
  ValueKind kind = ValueKind::kNone;
};

struct CliCommand {
  std::string name;  // "" for the program itself
  std::vector<std::string> aliases;
  std::string description;
  std::string footer;
  bool needs_subcommand = false;
  bool rest_is_command = false;    // prefix_command(): words after the last positional pass through
  std::vector<CliOption> options;  // its own (not inherited), without -h/--help
  std::vector<CliPositional> positionals;
  std::vector<CliCommand> subcommands;  // in definition order
};

CliCommand DescribeCli(const CLI::App& app);

// The kind a value named `name` has (rules above).
ValueKind KindOfName(const std::string& name);

}  // namespace qc::cli
