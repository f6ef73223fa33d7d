#include "exec_util.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "subprocess.h"

namespace qc::tools {

// A version query that hangs must not hang `doctor`.
constexpr int kCaptureTimeoutMs = 10000;

std::optional<std::string> FindExecutable(const std::string& name, const std::string& path_env) {
  if (name.empty()) {
    return std::nullopt;
  }
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0) {
      return name;
    }
    return std::nullopt;
  }
  std::stringstream dirs(path_env);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) {
      dir = ".";
    }
    std::string candidate = dir;
    candidate.append("/").append(name);
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::optional<std::string> FindExecutable(const std::string& name) {
  const char* path = std::getenv("PATH");
  return FindExecutable(name, path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
}

CaptureResult RunAndCapture(const std::vector<std::string>& argv) {
  CaptureResult result;
  if (argv.empty()) {
    return result;
  }
  SpawnOptions opts;
  opts.argv = argv;
  opts.in = Redirect::Null();
  opts.out = Redirect::Pipe();
  opts.err = Redirect::Stdout();
  RunResult run = RunProcess(opts, kCaptureTimeoutMs, std::size_t{64} * 1024);
  if (run.spawn_error.empty() && !run.timed_out && run.status.Exited()) {
    result.exit_status = run.status.code;
  }
  std::string line = run.out.substr(0, run.out.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.pop_back();
  }
  result.first_line = line;
  return result;
}

}  // namespace qc::tools
