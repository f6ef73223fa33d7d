#include "stop_vm.h"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "monotonic_ms.h"
#include "qmp_client.h"

namespace qc {
namespace {

// How long quit and SIGKILL each get before the next step.
constexpr int kQuitWaitMs = 2000;
constexpr int kKillWaitMs = 5000;
constexpr int kQmpTimeoutMs = 2000;

// A zombie still answers kill(pid, 0); /proc/<pid>/stat tells it apart.
bool IsZombie(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) {
    return false;
  }
  char buf[512] = {};
  std::size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  (void)std::fclose(f);
  std::string stat(buf, n);
  std::size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

bool Alive(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) {
    return false;
  }
  return !IsZombie(pid);
}

}  // namespace

bool WaitForExit(pid_t pid, int timeout_ms) {
  long long deadline = MonotonicMs() + timeout_ms;
  // A pidfd becomes readable when the process exits, child or not.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    if (errno == ESRCH) {
      return true;
    }
    // Old kernel: poll the process table.
    while (Alive(pid)) {
      if (MonotonicMs() >= deadline) {
        return false;
      }
      usleep(50 * 1000);
    }
    return true;
  }
  bool gone = false;
  for (;;) {
    long long left = deadline - MonotonicMs();
    pollfd p{pidfd, POLLIN, 0};
    int r = poll(&p, 1, left > 0 ? static_cast<int>(left) : 0);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    gone = r > 0;
    break;
  }
  close(pidfd);
  return gone;
}

const char* StopStepName(StopStep step) {
  switch (step) {
    case StopStep::kNotRunning:
      return "not running";
    case StopStep::kPowerdown:
      return "powerdown";
    case StopStep::kQuit:
      return "quit";
    case StopStep::kKill:
      return "kill";
    case StopStep::kFailed:
      return "failed";
  }
  return "?";
}

StopResult StopVm(const std::string& qmp_sock, pid_t pid, int grace_s, bool force) {
  StopResult res;
  if (pid <= 1) {
    res.detail = "refusing to stop invalid pid " + std::to_string(pid);
    return res;
  }
  if (!Alive(pid)) {
    res.step = StopStep::kNotRunning;
    return res;
  }
  QmpClient qmp(kQmpTimeoutMs);
  std::string err;
  bool have_qmp = qmp.Connect(qmp_sock, &err);
  if (!have_qmp) {
    res.detail = err;
  }
  if (!force && have_qmp) {
    if (!qmp.SystemPowerdown(&err)) {
      res.detail = err;
    } else if (WaitForExit(pid, grace_s * 1000)) {
      res.step = StopStep::kPowerdown;
      return res;
    } else {
      res.detail = "guest did not power off within " + std::to_string(grace_s) + " s";
    }
  }
  // quit, or SIGTERM (which QEMU handles like quit) when QMP is unreachable.
  bool asked = false;
  if (have_qmp && qmp.connected()) {
    asked = qmp.Quit(&err);
    if (!asked) {
      res.detail += (res.detail.empty() ? "" : "; ") + err;
    }
  }
  if (!asked) {
    asked = kill(pid, SIGTERM) == 0;
  }
  if (asked && WaitForExit(pid, kQuitWaitMs)) {
    res.step = StopStep::kQuit;
    return res;
  }
  if (kill(pid, SIGKILL) != 0 && errno != ESRCH) {
    res.detail +=
        (res.detail.empty() ? "" : "; ") + std::string("SIGKILL: ") + std::strerror(errno);
    return res;
  }
  if (WaitForExit(pid, kKillWaitMs)) {
    res.step = StopStep::kKill;
    return res;
  }
  res.detail += (res.detail.empty() ? "" : "; ") + std::string("still alive after SIGKILL");
  return res;
}

}  // namespace qc
