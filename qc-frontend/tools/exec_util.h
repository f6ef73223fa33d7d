// Small process helpers shared by the tool commands: PATH lookup and
// running a program to capture its first output line (for versions).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qc::tools {

// Absolute path of an executable: `name` itself if it contains '/',
// otherwise the first match in `path_env` (a PATH-style list). nullopt if
// nothing executable is found.
std::optional<std::string> FindExecutable(const std::string& name, const std::string& path_env);

// Same, using the process's PATH (or the default path if PATH is unset).
std::optional<std::string> FindExecutable(const std::string& name);

struct CaptureResult {
  int exit_status = -1;    // exit code, or -1 if it could not run / was signalled
  std::string first_line;  // first line of stdout+stderr, trimmed
};
// Runs argv[0] (a path) with argv, stdin from /dev/null, and returns its exit
// status and first output line. Killed after 10 s (exit_status -1 then).
CaptureResult RunAndCapture(const std::vector<std::string>& argv);

}  // namespace qc::tools
