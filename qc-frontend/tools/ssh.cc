#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "exec_util.h"
#include "fd_io.h"
#include "ssh_command.h"
#include "tools.h"

namespace qc::tools {

std::string ValidateSshTarget(const SshTarget& target) {
  if (target.host.empty()) {
    return "the VM has no known address";
  }
  if (target.host.front() == '-') {
    return "invalid host '" + target.host + "'";
  }
  if (target.port < 1 || target.port > 65535) {
    return "invalid ssh port " + std::to_string(target.port);
  }
  if (!target.user.empty() &&
      (target.user.front() == '-' || target.user.find_first_of("@ \t\n") != std::string::npos)) {
    return "invalid user name '" + target.user + "'";
  }
  return "";
}

std::vector<std::string> BuildSshArgv(const SshTarget& target,
                                      const std::vector<std::string>& command) {
  std::vector<std::string> argv = {"ssh"};
  if (!target.key_path.empty()) {
    argv.insert(argv.end(), {"-i", target.key_path, "-o", "IdentitiesOnly=yes"});
  }
  argv.insert(argv.end(), {"-p", std::to_string(target.port)});
  if (!target.known_hosts_path.empty()) {
    // Only the project's file, in plain text (entries of a recreated VM are
    // removed by host name), never ~/.ssh/known_hosts or /etc/ssh's.
    argv.insert(argv.end(), {"-o", "UserKnownHostsFile=" + target.known_hosts_path, "-o",
                             "GlobalKnownHostsFile=/dev/null", "-o", "HashKnownHosts=no"});
  }
  // Trust on first use; "Permanently added ..." is not worth a line.
  argv.insert(argv.end(), {"-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR"});
  argv.insert(argv.end(), target.options.begin(), target.options.end());
  // "--" before the destination: ssh then takes every later word as the
  // remote command, even ones that look like options.
  argv.emplace_back("--");
  argv.push_back((target.user.empty() ? std::string("root") : target.user) + "@" + target.host);
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

int RunSsh(const SshTarget& target, const std::vector<std::string>& command) {
  auto say = [](const std::string& text) { WriteAll(STDERR_FILENO, text.data(), text.size()); };
  std::string problem = ValidateSshTarget(target);
  if (!problem.empty()) {
    say("qemu-compose ssh: " + problem + "\n");
    return 2;
  }
  std::optional<std::string> ssh = FindExecutable("ssh");
  if (!ssh) {
    say("qemu-compose ssh: the ssh client is not installed (not found in PATH); install it, "
        "e.g. `sudo apt install openssh-client`\n");
    return 127;
  }
  std::vector<std::string> argv = BuildSshArgv(target, command);
  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (auto& a : argv) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);
  execv(ssh->c_str(), cargv.data());
  say("qemu-compose ssh: cannot run " + *ssh + ": " + std::strerror(errno) + "\n");
  return 127;
}

}  // namespace qc::tools
