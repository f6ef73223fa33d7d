#include "exec_command.h"

#include "shell_words.h"

namespace qc::tools {

std::string BuildExecCommand(const std::vector<std::string>& command,
                             const std::vector<std::string>& env, const std::string& workdir,
                             std::string* error) {
  std::string line;
  if (!workdir.empty()) {
    line = "cd " + ShellQuote(workdir) + " && ";
  }
  // exec: the command's exit status is the session's.
  line += "exec";
  if (!env.empty()) {
    // "--" right after env: assignments follow, then the command. (After
    // the assignments it would be taken for the command's name.)
    line += " env --";
    for (const auto& kv : env) {
      std::size_t eq = kv.find('=');
      if (eq == std::string::npos || !IsEnvName(kv.substr(0, eq))) {
        *error = "-e '" + kv + "': use NAME=VALUE (NAME: letters, digits, '_')";
        return "";
      }
      line += " " + ShellQuote(kv);
    }
  }
  for (const auto& word : command) {
    line += " " + ShellQuote(word);
  }
  return line;
}

}  // namespace qc::tools
