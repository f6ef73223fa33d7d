#include "commands/run_tool.h"

#include "subprocess.h"

namespace qc::commands {

bool RunTool(const std::vector<std::string>& argv, std::string* error, int max_ok_exit) {
  qc::SpawnOptions opts;
  opts.argv = argv;
  opts.search_path = true;
  opts.in = qc::Redirect::Null();
  opts.err = qc::Redirect::Pipe();
  qc::RunResult r = qc::RunProcess(opts);
  if (r.spawn_error.empty() && !r.timed_out && r.status.Exited() && r.status.code <= max_ok_exit) {
    return true;
  }
  std::string cmd;
  for (const auto& a : argv) {
    cmd += (cmd.empty() ? "" : " ") + a;
  }
  std::string said = r.err.substr(0, r.err.find('\n'));
  *error = "`" + cmd + "` " +
           (r.spawn_error.empty() ? r.status.Describe() + (said.empty() ? "" : ": " + said)
                                  : "failed: " + r.spawn_error) +
           (r.spawn_error.find("No such file") != std::string::npos ? " (is qemu-utils installed?)"
                                                                    : "");
  return false;
}

}  // namespace qc::commands
