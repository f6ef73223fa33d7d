// Both ends of the launcher protocol: NUL-terminated fields in one datagram
// each way. Request: start|count|stop and its fields; reply: status, number,
// existed (0/1), message.
#include "dnsmasq/launcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "caps.h"
#include "dnsmasq-launcher.policy.h"
#include "names.h"
#include "seqpacket.h"

namespace qc::netd {
namespace {

bool SendFields(int sock, const std::vector<std::string>& fields) {
  std::string msg;
  for (const std::string& f : fields) {
    msg += f + '\0';
  }
  return SendMessage(sock, msg.data(), msg.size()) == 0;
}

// False on EOF or error; a truncated datagram gives no fields.
bool ReceiveFields(int sock, std::vector<std::string>* fields) {
  Received in;
  if (ReceiveMessage(sock, &in) != 0 || in.eof) {
    return false;
  }
  for (int fd : in.fds) {
    close(fd);  // none expected
  }
  const std::string all = in.truncated ? "" : std::string(in.bytes.begin(), in.bytes.end());
  fields->clear();
  for (size_t start = 0, end = 0; (end = all.find('\0', start)) != std::string::npos;
       start = end + 1) {
    fields->push_back(all.substr(start, end - start));
  }
  return true;
}

// Request-loop side of one exchange.
bool Call(int sock, const std::vector<std::string>& fields, DhcpResult* out, std::string* err) {
  std::vector<std::string> f;
  if (!SendFields(sock, fields) || !ReceiveFields(sock, &f)) {
    *err = "the dnsmasq launcher is gone";
    return false;
  }
  if (f.size() != 4) {
    *err = "garbled reply from the dnsmasq launcher";
    return false;
  }
  *out = {static_cast<Status>(std::atoi(f[0].c_str())), std::atoi(f[1].c_str()), f[2] == "1", f[3]};
  return true;
}

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
  const std::unique_ptr<DIR, int (*)(DIR*)> d(opendir("/proc"), closedir);
  while (dirent* e = d ? readdir(d.get()) : nullptr) {
    const std::string dir = std::string("/proc/") + e->d_name;
    std::error_code ec;
    if (std::filesystem::read_symlink(dir + "/exe", ec) != QC_DNSMASQ_PATH) {
      continue;
    }
    const std::string status = ReadFile(dir + "/status");
    const size_t u = status.find("\nUid:\t");
    if (u != std::string::npos && std::strtoul(status.c_str() + u + 6, nullptr, 10) == uid &&
        ReadFile(dir + "/cmdline").find(word) != std::string::npos) {
      pids.push_back(std::atoi(e->d_name));
    }
  }
  return pids;
}

// Forks and execs dnsmasq. It daemonises: its first process exits once the
// daemon serves or failed. Returns "" or why it failed, from its stderr.
std::string Spawn(const std::vector<std::string>& argv) {
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) != 0) {
    return "pipe failed";
  }
  const pid_t child = fork();
  if (child == 0) {
    const int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(errpipe[1], 2);
    close_range(3, ~0U, 0);
    std::string err;
    if (GiveAmbientNetCaps(&err)) {
      std::vector<char*> args;
      args.reserve(argv.size() + 1);
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
  std::string text(1024, '\0');
  text.resize(std::max<ssize_t>(waited ? read(errpipe[0], text.data(), text.size()) : 0, 0));
  close(errpipe[0]);
  text.erase(text.find_last_not_of("\r\n") + 1);
  if (!waited) {
    return "fork failed";
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
    return "";
  }
  return "dnsmasq failed to start: " +
         (text.empty() ? "exit status " + std::to_string(wstatus) : text);
}

// f: "start", bridge, gateway (network order), prefix, state_dir, domain, quota.
DhcpResult Start(const std::vector<std::string>& f, uid_t uid) {
  const DnsmasqParams p{f[1], static_cast<uint32_t>(std::strtoul(f[2].c_str(), nullptr, 10)),
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
  err = Spawn(argv);
  const std::vector<int> pids = err.empty() ? FindDnsmasq(uid, p.bridge) : std::vector<int>{};
  if (pids.empty()) {
    return {INTERNAL, 0, false, err.empty() ? "dnsmasq started but exited at once" : err};
  }
  return {OK, pids[0], false,
          "dnsmasq serving " + p.bridge + " (pid " + std::to_string(pids[0]) + ")"};
}

}  // namespace

void RunLauncher(int sock, uid_t uid) {
  std::string err;
  // Effective too: reading /proc/<dnsmasq>/exe is a ptrace-read check that
  // compares the target's permitted set with the caller's *effective* set.
  if (!Confine("cap_net_admin,cap_net_bind_service=pe", seccomp::kDnsmasqLauncher, &err)) {
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

bool LauncherStart(int sock, const DnsmasqParams& p, unsigned max_instances, DhcpResult* out,
                   std::string* err) {
  return Call(sock,
              {"start", p.bridge, std::to_string(p.gateway_be), std::to_string(p.prefix),
               p.state_dir, p.domain, std::to_string(max_instances)},
              out, err);
}

bool LauncherCount(int sock, unsigned* count, std::string* err) {
  DhcpResult r;
  const bool ok = Call(sock, {"count"}, &r, err);
  *count = static_cast<unsigned>(r.pid);
  return ok;
}

bool LauncherStop(int sock, const std::string& bridge, std::string* err) {
  DhcpResult r;
  if (Call(sock, {"stop", bridge}, &r, err) && r.status != OK) {
    *err = r.message;
  }
  return r.status == OK;
}

}  // namespace qc::netd
