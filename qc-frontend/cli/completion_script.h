// `qemu-compose completion bash|zsh`: shell completion scripts generated from
// the CLI model (cli_model.h), so new commands and flags complete without
// anyone editing a script. Both complete commands, flags, choices, files, and
// VM, network and volume names, which they ask the program itself for
// (`PROGRAM [-f FILE] __complete-names vms|networks|volumes`).
#pragma once

#include <string>

#include "cli/cli_model.h"

namespace qc::cli {

// For /usr/share/bash-completion/completions/PROGRAM, or `source <(...)`.
std::string BashCompletionScript(const CliCommand& root);
// For /usr/share/zsh/vendor-completions/_PROGRAM (an autoloaded #compdef
// file), or `source <(...)` after compinit.
std::string ZshCompletionScript(const CliCommand& root);

}  // namespace qc::cli
