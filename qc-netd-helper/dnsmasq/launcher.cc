#include "dnsmasq/dnsmasq.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dnsmasq-launcher.policy.h"
#include "handlers/handlers.h"
#include "names.h"
#include "seccomp_policy.h"
#include "seqpacket.h"

namespace qc::netd {

static std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The network namespace of the process of /proc/<pid> `dir`: "net:[4026531840]".
static std::string NetNamespace(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::read_symlink(dir + "/ns/net", ec).string();
}

// Pids of our dnsmasq binary running with real uid `uid` in the helper's own
// network namespace and with the argument --interface=<bridge> (any
// --interface=qc-... when bridge is empty). A dnsmasq of another namespace
// serves another bridge of the same name: it is never reused, stopped or counted.
static std::vector<int> FindDnsmasq(uid_t uid, const std::string& bridge) {
  const std::string word =
      std::string("\0--interface=", 13) + (bridge.empty() ? "qc-" : bridge + '\0');
  const std::string own_netns = NetNamespace("/proc/self");
  std::vector<int> pids;
  const std::unique_ptr<DIR, int (*)(DIR*)> d(opendir("/proc"), closedir);
  while (dirent* e = d && !own_netns.empty() ? readdir(d.get()) : nullptr) {
    const std::string dir = std::string("/proc/") + e->d_name;
    std::error_code ec;
    if (std::filesystem::read_symlink(dir + "/exe", ec) != QC_DNSMASQ_PATH ||
        NetNamespace(dir) != own_netns) {
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

// In the dnsmasq child before execve: CAP_NET_ADMIN and CAP_NET_BIND_SERVICE
// in every set including ambient, so they survive the exec of an unprivileged binary.
static bool GiveAmbientNetCaps(std::string* err) {
  cap_t c = cap_from_text("cap_net_admin,cap_net_bind_service=pei");
  const bool ok = c != nullptr && cap_set_proc(c) == 0 &&
                  cap_set_ambient(CAP_NET_ADMIN, CAP_SET) == 0 &&
                  cap_set_ambient(CAP_NET_BIND_SERVICE, CAP_SET) == 0;
  if (!ok) {
    *err = std::string("cannot raise ambient capabilities: ") + std::strerror(errno);
  }
  cap_free(c);
  return ok;
}

// Forks and execs dnsmasq. It daemonises: its first process exits once the
// daemon serves or failed. Returns "" or why it failed, from its stderr.
static std::string Spawn(const std::vector<std::string>& argv) {
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

static void Start(const StartDnsmasq& m, uid_t uid, unsigned max_dnsmasq, Reply* r) {
  const std::string& bridge = m.request().bridge();
  std::vector<std::string> argv;
  std::string err;
  if (!BuildDnsmasqArgv(m, QC_DNSMASQ_PATH, &argv, &err)) {  // validates the bridge name too
    return SetReply(r, INVALID_ARGUMENT, err);
  }
  const std::vector<int> running = FindDnsmasq(uid, bridge);
  if (!running.empty()) {
    r->set_already_existed(true);
    r->mutable_dhcp()->set_pid(running[0]);
    return SetReply(
        r, OK, "dnsmasq already serves " + bridge + " (pid " + std::to_string(running[0]) + ")");
  }
  if (FindDnsmasq(uid, "").size() >= max_dnsmasq) {
    return SetReply(r, QUOTA_EXCEEDED,
                    "dnsmasq quota reached (" + std::to_string(max_dnsmasq) + ")");
  }
  err = Spawn(argv);
  const std::vector<int> pids = err.empty() ? FindDnsmasq(uid, bridge) : std::vector<int>{};
  if (pids.empty()) {
    return SetReply(r, INTERNAL, err.empty() ? "dnsmasq started but exited at once" : err);
  }
  r->mutable_dhcp()->set_pid(pids[0]);
  SetReply(r, OK, "dnsmasq serving " + bridge + " (pid " + std::to_string(pids[0]) + ")");
}

void RunLauncher(int sock, uid_t uid, unsigned max_dnsmasq) {
  std::string err;
  // Effective too: reading /proc/<dnsmasq>/exe is a ptrace-read check that
  // compares the target's permitted set with the caller's *effective* set.
  if (!seccomp::Confine("cap_net_admin,cap_net_bind_service=pe", seccomp::kDnsmasqLauncher, &err)) {
    (void)std::fprintf(stderr, "qc-netd-helper: dnsmasq launcher: %s\n", err.c_str());
    _exit(1);
  }
  for (;;) {
    Received in;
    LauncherRequest req;
    Reply r;
    if (ReceiveMessage(sock, &in) != 0 || in.eof) {
      _exit(0);
    }
    CloseAll(&in.fds);  // none expected
    const bool parsed =
        !in.truncated && req.ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()));
    if (parsed && req.has_start()) {
      Start(req.start(), uid, max_dnsmasq, &r);
    } else if (parsed && req.has_stop() && IsValidBridgeName(req.stop())) {
      for (int pid : FindDnsmasq(uid, req.stop())) {
        kill(pid, SIGTERM);
      }
      SetReply(&r, OK, "dnsmasq of " + req.stop() + " stopped");
    } else if (parsed && req.has_count()) {
      r.mutable_hello()->mutable_quota()->set_used_dnsmasq(FindDnsmasq(uid, "").size());
      SetReply(&r, OK, "counted");
    } else {
      SetReply(&r, PROTOCOL_ERROR, "bad launcher request");
    }
    const std::string out = r.SerializeAsString();
    SendMessage(sock, out.data(), out.size());
  }
}

bool CallLauncher(int sock, const LauncherRequest& req, Reply* r) {
  const std::string out = req.SerializeAsString();
  Received in;
  if (SendMessage(sock, out.data(), out.size()) != 0 || ReceiveMessage(sock, &in) != 0 || in.eof ||
      in.truncated || !r->ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()))) {
    SetReply(r, INTERNAL, "no answer from the dnsmasq launcher");
  }
  CloseAll(&in.fds);
  return r->status() == OK;
}

}  // namespace qc::netd
