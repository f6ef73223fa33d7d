// Internal: fork+exec with namespace entry and privilege drop, shared by
// Netns::Spawn and the capture helpers.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness.h"

namespace qc::itest::detail {

struct SpawnOptions {
  int netns_fd = -1;  // setns target, or -1 to stay in the current netns
  const User* user = nullptr;
  std::vector<std::string> argv;
  std::vector<std::string> env;  // added to the clean environment
  int fd3 = -1;
  int stdout_fd = -1;  // dup2 to 1 if >= 0 (else stdout_path, else inherited)
  int stderr_fd = -1;
  std::string stdout_path;
  std::string stderr_path;
};

// Throws std::runtime_error if fork fails; exec failures show as exit 127.
pid_t SpawnProcess(const SpawnOptions& opt);

// Runs opt (stdout/stderr captured), waits for the process itself to exit
// (not for descendants holding the pipes), kills it after timeout_ms.
CmdResult RunCaptured(SpawnOptions opt, int timeout_ms);

}  // namespace qc::itest::detail
