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

#include "caps.h"
#include "dnsmasq-launcher.policy.h"
#include "names.h"
#include "seccomp_policy.h"
#include "seqpacket.h"
#if QC_HAVE_NAT
#include "dnsmasq/dnsmasq_argv.h"
#endif

namespace qc::netd {
namespace {

std::string ReadSmallFile(const std::string& path) {
  std::string text;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return text;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0 && text.size() < 65536) {
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

// Pids of dnsmasq processes (our binary) whose real uid is `uid` and whose
// argv has --interface=<bridge> (or any --interface=qc-... if bridge is empty).
std::vector<int> FindDnsmasq(uid_t uid, const std::string& bridge) {
  std::vector<int> pids;
  DIR* d = opendir("/proc");
  if (d == nullptr) {
    return pids;
  }
  while (dirent* e = readdir(d)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0) {
      continue;
    }
    std::string dir = "/proc/" + std::string(e->d_name);
    char exe[4096];
    ssize_t n = readlink((dir + "/exe").c_str(), exe, sizeof(exe) - 1);
    if (n <= 0 || std::string(exe, static_cast<std::size_t>(n)) != QC_DNSMASQ_PATH) {
      continue;
    }
    std::string status = ReadSmallFile(dir + "/status");
    std::size_t u = status.find("\nUid:\t");
    if (u == std::string::npos || std::strtoul(status.c_str() + u + 6, nullptr, 10) != uid) {
      continue;
    }
    std::string cmdline = ReadSmallFile(dir + "/cmdline");
    std::string want = bridge.empty() ? std::string("--interface=qc-") : "--interface=" + bridge;
    std::size_t start = 0;
    while (start < cmdline.size()) {
      std::size_t end = cmdline.find('\0', start);
      if (end == std::string::npos) {
        end = cmdline.size();
      }
      std::string arg = cmdline.substr(start, end - start);
      if (bridge.empty() ? arg.compare(0, want.size(), want) == 0 : arg == want) {
        pids.push_back(pid);
        break;
      }
      start = end + 1;
    }
  }
  closedir(d);
  return pids;
}

// Forks and execs dnsmasq, which daemonises itself: its first process exits
// once the daemon is ready (or failed). Stderr is captured for the reason.
DhcpResult Spawn(const std::vector<std::string>& argv, uid_t uid, const std::string& bridge) {
  DhcpResult res;
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) != 0) {
    res.message = "pipe failed";
    return res;
  }
  pid_t child = fork();
  if (child == 0) {
    setsid();
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(errpipe[1], 2);
    close_range(3, ~0U, 0);
    std::string cerr;
    if (!GiveAmbientNetCaps(&cerr)) {
      (void)std::fprintf(stderr, "%s\n", cerr.c_str());
      _exit(126);
    }
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    char* empty_env[] = {nullptr};
    execve(QC_DNSMASQ_PATH, args.data(), empty_env);
    (void)std::fprintf(stderr, "exec %s: %s\n", QC_DNSMASQ_PATH, std::strerror(errno));
    _exit(127);
  }
  close(errpipe[1]);
  int wstatus = 0;
  if (child < 0 || waitpid(child, &wstatus, 0) != child) {
    close(errpipe[0]);
    res.message = "fork failed";
    return res;
  }
  // The first dnsmasq process has exited, so whatever it wrote is in the pipe.
  fcntl(errpipe[0], F_SETFL, O_NONBLOCK);
  char buf[1024];
  ssize_t n = read(errpipe[0], buf, sizeof(buf) - 1);
  close(errpipe[0]);
  std::string text = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    res.message = "dnsmasq failed to start: " +
                  (text.empty() ? "exit status " + std::to_string(wstatus) : text);
    return res;
  }
  std::vector<int> pids = FindDnsmasq(uid, bridge);
  if (pids.empty()) {
    res.message = "dnsmasq started but exited at once";
    return res;
  }
  res.status = OK;
  res.pid = pids[0];
  res.message = "dnsmasq serving " + bridge + " (pid " + std::to_string(res.pid) + ")";
  return res;
}

DhcpResult Start(const std::vector<std::string>& f, uid_t uid) {
  DhcpResult res;
  res.status = INVALID_ARGUMENT;
  if (f.size() != 7 || !IsValidBridgeName(f[1])) {
    res.message = "bad dnsmasq request";
    return res;
  }
  const std::string& bridge = f[1];
  std::vector<int> running = FindDnsmasq(uid, bridge);
  if (!running.empty()) {
    res.status = OK;
    res.existed = true;
    res.pid = running[0];
    res.message = "dnsmasq already serves " + bridge + " (pid " + std::to_string(res.pid) + ")";
    return res;
  }
  if (FindDnsmasq(uid, "").size() >= std::strtoul(f[6].c_str(), nullptr, 10)) {
    res.status = QUOTA_EXCEEDED;
    res.message = "dnsmasq quota reached (" + f[6] + ")";
    return res;
  }
#if QC_HAVE_NAT
  DnsmasqParams p{bridge, htonl(static_cast<uint32_t>(std::strtoul(f[2].c_str(), nullptr, 10))),
                  std::atoi(f[3].c_str()), f[4], f[5]};
  std::vector<std::string> argv;
  std::string err;
  if (!BuildDnsmasqArgv(p, QC_DNSMASQ_PATH, &argv, &err)) {
    res.message = err;
    return res;
  }
  if (std::find(argv.begin(), argv.end(), "--no-ping") == argv.end()) {
    argv.emplace_back("--no-ping");
  }
  // Let dnsmasq daemonise: its first process exits only once the daemon is
  // ready or has failed, which gives a deterministic start-up result.
  argv.erase(std::remove(argv.begin(), argv.end(), "--keep-in-foreground"), argv.end());
  return Spawn(argv, uid, bridge);
#else
  (void)Spawn;
  res.status = INTERNAL;
  res.message = "this helper was built without the dnsmasq argv module";
  return res;
#endif
}

void SendResult(int sock, const DhcpResult& r) {
  std::string msg = std::to_string(static_cast<int>(r.status)) + '\0' + std::to_string(r.pid) +
                    '\0' + (r.existed ? "1" : "0") + '\0' + r.message + '\0';
  SendMessage(sock, msg.data(), msg.size());
}

}  // namespace

void RunLauncher(int sock, uid_t uid) {
  std::string err;
  if (!KeepLauncherCaps(&err) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      !seccomp::LoadPolicy(seccomp::kDnsmasqLauncher, &err)) {
    (void)std::fprintf(stderr, "qc-netd-helper: dnsmasq launcher: %s\n", err.c_str());
    _exit(1);
  }
  for (;;) {
    Received in;
    if (ReceiveMessage(sock, &in) != 0 || in.eof) {
      _exit(0);
    }
    for (int fd : in.fds) {
      close(fd);
    }
    std::vector<std::string> f;
    std::string cur;
    for (std::uint8_t b : in.bytes) {
      if (b == 0) {
        f.push_back(cur);
        cur.clear();
      } else {
        cur += static_cast<char>(b);
      }
    }
    DhcpResult r;
    r.status = OK;
    bool known = !in.truncated && !f.empty() &&
                 (f[0] == "count" || (f[0] == "stop" && f.size() == 2 && IsValidBridgeName(f[1])) ||
                  f[0] == "start");
    if (!known) {
      r.status = PROTOCOL_ERROR;
      r.message = "bad launcher request";
    } else if (f[0] == "count") {
      r.pid = static_cast<int>(FindDnsmasq(uid, "").size());
    } else if (f[0] == "stop") {
      for (int pid : FindDnsmasq(uid, f[1])) {
        kill(pid, SIGTERM);
      }
    } else {
      r = Start(f, uid);
    }
    SendResult(sock, r);
  }
}

}  // namespace qc::netd
