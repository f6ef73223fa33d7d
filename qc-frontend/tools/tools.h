// Public entry points of the frontend's tool commands (doctor, console, logs,
// ssh). main.cc maps CLI11 subcommands onto these; each returns the process
// exit code and prints its own errors to stderr.
#pragma once

#include <string>
#include <vector>

namespace qc::tools {

struct DoctorOptions {
  std::string helper_path;  // qc-netd-helper as the frontend would start it
  std::string runner_path;  // qc-vmrunner
  bool color = false;       // ANSI colours on the ✓/⚠/✗ marks
  bool json = false;        // JSON array of {check, ok, level, detail, fix} instead of text
};
// Checks every dependency and permission. Exit 0 if nothing failed (⚠
// warnings such as "no /dev/kvm, TCG will be used" do not fail), 1 otherwise.
int RunDoctor(const DoctorOptions&);

// Attaches the terminal to a VM's console socket (unix stream). Raw mode when
// stdin is a TTY; Ctrl-] detaches. Exit 0 on detach or when the VM closes
// the console, 1 if the socket is missing or dead.
int RunConsole(const std::string& console_sock);

// Prints the serial log (last `lines` lines, -1 = all); follow keeps printing
// appended output like `tail -f` (surviving truncation and rotation) until
// SIGINT/SIGTERM.
int RunLogs(const std::string& serial_log, bool follow, int lines /* -1 = all */);

struct SshTarget {
  std::string host;  // 127.0.0.1 for user-mode VMs, the reserved IP for bridge VMs
  int port = 22;
  std::string user;              // "" = root
  std::string key_path;          // "" if none
  std::string known_hosts_path;  // project's known_hosts file
  std::vector<std::string>
      options;  // more ssh options/flags, e.g. {"-T"} or {"-o", "BatchMode=yes"}
};
// Execs ssh (does not return on success). Returns 127 with a clear message
// if ssh is not installed, 2 on an invalid target.
int RunSsh(const SshTarget&, const std::vector<std::string>& command);

}  // namespace qc::tools
