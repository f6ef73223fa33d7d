// The lifecycle and query commands. Each returns the process exit code
// (cli/exit_codes.h) and prints its own output and errors.
#pragma once

#include <string>
#include <vector>

#include "commands/global_options.h"

namespace qc::commands {

struct UpOptions {
  std::vector<std::string> vms;  // empty = all
  bool wait = false;
  int timeout_s = 300;
  std::string pull = "missing";  // missing | always | never (images)
  bool dry_run = false;          // print the plan, change nothing
};
int RunUp(const GlobalOptions& g, const UpOptions& o);

struct StopOptions {
  std::vector<std::string> vms;
  bool force = false;
  int grace_s = -1;      // -1 = each VM's stop_grace_period
  bool volumes = false;  // down: also remove the named volumes' disks
};
int RunStop(const GlobalOptions& g, const StopOptions& o);
int RunDestroy(const GlobalOptions& g, const StopOptions& o);
int RunDown(const GlobalOptions& g, const StopOptions& o);

int RunPs(const GlobalOptions& g);
int RunInspect(const GlobalOptions& g, const std::string& vm);
int RunNetworkLs(const GlobalOptions& g);
int RunNetworkDown(const GlobalOptions& g, const std::vector<std::string>& networks);
int RunConfig(const GlobalOptions& g);
int RunVolumeLs(const GlobalOptions& g);
// Refused for a volume attached to a running VM.
int RunVolumeRm(const GlobalOptions& g, const std::vector<std::string>& volumes);

// Images (commands/pull.cc, commands/images_cmd.cc).
struct PullOptions {
  std::vector<std::string> vms;
  bool force = false;  // download again even if cached
  bool quiet = false;  // no progress
};
int RunPull(const GlobalOptions& g, const PullOptions& o);
int RunImages(const GlobalOptions& g);
int RunImageLs(const GlobalOptions& g);
int RunImageRm(const GlobalOptions& g, const std::vector<std::string>& targets, bool force);
int RunImagePrune(const GlobalOptions& g);

// Paths the tool commands (console, logs, ssh) need.
int RunConsoleCmd(const GlobalOptions& g, const std::string& vm);
int RunLogsCmd(const GlobalOptions& g, const std::string& vm, bool follow, int lines);
struct ExecOptions {
  std::string vm;
  std::vector<std::string> command;
  bool tty = false;
  std::vector<std::string> env;  // KEY=VAL
  std::string workdir;
  std::string user;
};
// `exec`: the command's words run as given (no shell re-parsing), with
// -e variables and -w directory; the exit code passes through.
int RunExecCmd(const GlobalOptions& g, const ExecOptions& o);
int RunSshCmd(const GlobalOptions& g, const std::string& vm, const std::string& user,
              const std::vector<std::string>& command);

}  // namespace qc::commands
