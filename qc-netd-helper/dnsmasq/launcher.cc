// Launcher side: runs in the child forked by main() before seccomp.
#include "dnsmasq/launcher.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "caps.h"
#include "dnsmasq-launcher.policy.h"
#include "dnsmasq/dnsmasq_argv.h"
#include "names.h"
#include "seccomp_policy.h"

namespace qc::netd {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Pids of our dnsmasq binary running with real uid `uid` and the argument
// --interface=<bridge> (any --interface=qc-... when bridge is empty).
std::vector<int> FindDnsmasq(uid_t uid, const std::string& bridge) {
  const std::string word =
      std::string("\0--interface=", 13) + (bridge.empty() ? "qc-" : bridge + '\0');
  std::vector<int> pids;
  DIR* d = opendir("/proc");
  while (dirent* e = d != nullptr ? readdir(d) : nullptr) {
    const std::string dir = std::string("/proc/") + e->d_name;
    char exe[sizeof(QC_DNSMASQ_PATH)] = {};  // room for one byte more than the path
    const ssize_t n = readlink((dir + "/exe").c_str(), exe, sizeof(exe));
    if (std::atoi(e->d_name) <= 0 || n + 1 != static_cast<ssize_t>(sizeof(exe)) ||
        std::strcmp(exe, QC_DNSMASQ_PATH) != 0) {
      continue;
    }
    const std::string status = ReadFile(dir + "/status");
    const size_t u = status.find("\nUid:\t");
    if (u != std::string::npos && std::strtoul(status.c_str() + u + 6, nullptr, 10) == uid &&
        ReadFile(dir + "/cmdline").find(word) != std::string::npos) {
      pids.push_back(std::atoi(e->d_name));
    }
  }
  if (d != nullptr) {
    closedir(d);
  }
  return pids;
}

// Forks and execs dnsmasq, which daemonises itself: its first process exits
// once the daemon is ready (or failed). Stderr is captured for the reason.
DhcpResult Spawn(const std::vector<std::string>& argv, uid_t uid, const std::string& bridge) {
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) != 0) {
    return {INTERNAL, 0, false, "pipe failed"};
  }
  const pid_t child = fork();
  if (child == 0) {
    setsid();
    const int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(errpipe[1], 2);
    close_range(3, ~0U, 0);
    std::string err;
    if (GiveAmbientNetCaps(&err)) {
      std::vector<char*> args;
      for (const std::string& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
      }
      args.push_back(nullptr);
      char* empty_env[] = {nullptr};
      execve(QC_DNSMASQ_PATH, args.data(), empty_env);
      err = std::string("exec " QC_DNSMASQ_PATH ": ") + std::strerror(errno);
    }
    (void)std::fprintf(stderr, "%s\n", err.c_str());
    _exit(127);
  }
  close(errpipe[1]);
  int wstatus = 0;
  const bool waited = child > 0 && waitpid(child, &wstatus, 0) == child;
  // The first dnsmasq process has exited, so whatever it wrote is in the pipe;
  // the daemon may still hold the pipe open, so do not wait for EOF.
  fcntl(errpipe[0], F_SETFL, O_NONBLOCK);
  char buf[1024];
  const ssize_t n = waited ? read(errpipe[0], buf, sizeof(buf)) : 0;
  close(errpipe[0]);
  std::string text(buf, static_cast<size_t>(std::max<ssize_t>(n, 0)));
  text.erase(text.find_last_not_of("\r\n") + 1);
  if (!waited) {
    return {INTERNAL, 0, false, "fork failed"};
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return {INTERNAL, 0, false,
            "dnsmasq failed to start: " +
                (text.empty() ? "exit status " + std::to_string(wstatus) : text)};
  }
  const std::vector<int> pids = FindDnsmasq(uid, bridge);
  if (pids.empty()) {
    return {INTERNAL, 0, false, "dnsmasq started but exited at once"};
  }
  return {OK, pids[0], false,
          "dnsmasq serving " + bridge + " (pid " + std::to_string(pids[0]) + ")"};
}

// f: "start", bridge, gateway (host order), prefix, state_dir, domain, quota.
DhcpResult Start(const std::vector<std::string>& f, uid_t uid) {
  const DnsmasqParams p{f[1], htonl(static_cast<uint32_t>(std::strtoul(f[2].c_str(), nullptr, 10))),
                        std::atoi(f[3].c_str()), f[4], f[5]};
  std::vector<std::string> argv;
  std::string err;
  if (!BuildDnsmasqArgv(p, QC_DNSMASQ_PATH, &argv, &err)) {  // validates the bridge name too
    return {INVALID_ARGUMENT, 0, false, err};
  }
  const std::vector<int> running = FindDnsmasq(uid, p.bridge);
  if (!running.empty()) {
    return {OK, running[0], true,
            "dnsmasq already serves " + p.bridge + " (pid " + std::to_string(running[0]) + ")"};
  }
  if (FindDnsmasq(uid, "").size() >= std::strtoul(f[6].c_str(), nullptr, 10)) {
    return {QUOTA_EXCEEDED, 0, false, "dnsmasq quota reached (" + f[6] + ")"};
  }
  return Spawn(argv, uid, p.bridge);
}

}  // namespace

void RunLauncher(int sock, uid_t uid) {
  std::string err;
  if (!KeepLauncherCaps(&err) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      !seccomp::LoadPolicy(seccomp::kDnsmasqLauncher, &err)) {
    (void)std::fprintf(stderr, "qc-netd-helper: dnsmasq launcher: %s\n", err.c_str());
    _exit(1);
  }
  std::vector<std::string> f;
  while (ReceiveFields(sock, &f)) {
    DhcpResult r{OK, 0, false, ""};
    if (f.size() == 7 && f[0] == "start") {
      r = Start(f, uid);
    } else if (f.size() == 1 && f[0] == "count") {
      r.pid = static_cast<int>(FindDnsmasq(uid, "").size());
    } else if (f.size() == 2 && f[0] == "stop" && IsValidBridgeName(f[1])) {
      for (int pid : FindDnsmasq(uid, f[1])) {
        kill(pid, SIGTERM);
      }
    } else {
      r = {PROTOCOL_ERROR, 0, false, "bad launcher request"};
    }
    SendFields(sock,
               {std::to_string(r.status), std::to_string(r.pid), r.existed ? "1" : "0", r.message});
  }
  _exit(0);
}

}  // namespace qc::netd
