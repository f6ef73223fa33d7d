// Netns: a private network namespace per test, made with `ip netns` so it is
// visible (and cleanable: tests/integration/cleanup.sh) from outside.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "harness.h"
#include "spawn.h"

namespace qc::itest {
namespace {

constexpr int kDefaultRunTimeoutMs = 10 * 60 * 1000;

CmdResult RunIp(const std::vector<std::string>& args) {
  detail::SpawnOptions opt;
  opt.argv = {"ip"};
  opt.argv.insert(opt.argv.end(), args.begin(), args.end());
  return detail::RunCaptured(opt, 30000);
}

std::string Describe(const std::vector<std::string>& args, const CmdResult& r) {
  std::string s = "ip";
  for (const auto& a : args) {
    s += " " + a;
  }
  return s + " failed (exit " + std::to_string(r.exit_code) + "): " + r.err;
}

}  // namespace

Netns::Netns() {
  static std::atomic<int> counter{0};
  name_ = "qcit-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  std::vector<std::string> add = {"netns", "add", name_};
  CmdResult r = RunIp(add);
  if (r.exit_code != 0) {
    throw std::runtime_error(Describe(add, r));
  }
  std::vector<std::string> lo = {"-n", name_, "link", "set", "lo", "up"};
  r = RunIp(lo);
  if (r.exit_code != 0) {
    throw std::runtime_error(Describe(lo, r));
  }
  fd_ = open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw std::runtime_error("open /run/netns/" + name_ + ": " + strerror(errno));
  }
}

Netns::~Netns() {
  // Kill until empty: a dying process's children may have forked meanwhile.
  for (int round = 0; round < 50; ++round) {
    CmdResult pids = RunIp({"netns", "pids", name_});
    std::istringstream in(pids.out);
    bool any = false;
    for (pid_t pid = 0; in >> pid;) {
      any = true;
      kill(pid, SIGKILL);
    }
    if (!any) {
      break;
    }
    usleep(100 * 1000);
  }
  if (fd_ >= 0) {
    close(fd_);
  }
  RunIp({"netns", "del", name_});
}

CmdResult Netns::Run(const std::string& sh) const {
  return RunWithTimeout(nullptr, sh, kDefaultRunTimeoutMs);
}

CmdResult Netns::RunAs(const User& u, const std::string& sh,
                       const std::vector<std::string>& env) const {
  return RunWithTimeout(&u, sh, kDefaultRunTimeoutMs, env);
}

CmdResult Netns::RunWithTimeout(const User* u, const std::string& sh, int timeout_ms,
                                const std::vector<std::string>& env) const {
  detail::SpawnOptions opt;
  opt.netns_fd = fd_;
  opt.user = u;
  opt.argv = {"/bin/sh", "-c", sh};
  opt.env = env;
  return detail::RunCaptured(opt, timeout_ms);
}

pid_t Netns::Spawn(const User* u, const std::vector<std::string>& argv, int fd3,
                   const std::vector<std::string>& env, const std::string& stdout_path,
                   const std::string& stderr_path) const {
  detail::SpawnOptions opt;
  opt.netns_fd = fd_;
  opt.user = u;
  opt.argv = argv;
  opt.env = env;
  opt.fd3 = fd3;
  opt.stdout_path = stdout_path;
  opt.stderr_path = stderr_path;
  return detail::SpawnProcess(opt);
}

}  // namespace qc::itest
