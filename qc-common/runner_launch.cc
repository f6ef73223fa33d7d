#include "runner_launch.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "qmp_client.h"
#include "seqpacket.h"
#include "stop_vm.h"

namespace qc {
namespace {

long long NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Child side, between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecRunnerChild(const char* path, int sock, int log_fd, int null_fd) {
  if (fork() != 0) {
    _exit(0);  // the middle process; its exit reparents the runner away from us
  }
  setsid();
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  // Move the sources above the targets first so no dup2 clobbers another.
  int s = fcntl(sock, F_DUPFD, 10);
  int l = fcntl(log_fd, F_DUPFD, 10);
  int n = fcntl(null_fd, F_DUPFD, 10);
  if (s < 0 || l < 0 || n < 0 || dup2(n, 0) < 0 || dup2(l, 1) < 0 || dup2(l, 2) < 0 ||
      dup2(s, 3) < 0) {
    _exit(126);
  }
  close_range(4, ~0U, 0);
  char* const argv[] = {const_cast<char*>(path), nullptr};
  execv(path, argv);
  static const char kMsg[] = "error: cannot execute the VM runner";
  (void)send(3, kMsg, sizeof(kMsg) - 1, MSG_NOSIGNAL);
  _exit(127);
}

}  // namespace

bool LaunchRunner(const std::string& runner_path, const qc::vm::VmSpec& spec,
                  const std::vector<int>& tap_fds, const std::string& log_path, pid_t* pid,
                  std::string* err) {
  *pid = -1;
  std::string bytes;
  if (!spec.SerializeToString(&bytes) || bytes.size() > kMaxMessageBytes) {
    *err = "VM spec for '" + spec.name() + "' does not fit in one message";
    return false;
  }
  if (tap_fds.size() > kMaxFdsPerMessage) {
    *err = "too many TAP fds (" + std::to_string(tap_fds.size()) + ", at most " +
           std::to_string(kMaxFdsPerMessage) + ")";
    return false;
  }
  int log_fd = open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    *err = "cannot open runner log " + log_path + ": " + std::strerror(errno);
    return false;
  }
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int sv[2];
  if (null_fd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    *err = "cannot create runner socket: " + std::string(std::strerror(errno));
    close(log_fd);
    if (null_fd >= 0) {
      close(null_fd);
    }
    return false;
  }
  pid_t middle = fork();
  if (middle == 0) {
    ExecRunnerChild(runner_path.c_str(), sv[1], log_fd, null_fd);
  }
  int fork_errno = errno;
  close(sv[1]);
  close(log_fd);
  close(null_fd);
  if (middle < 0) {
    close(sv[0]);
    *err = "fork: " + std::string(std::strerror(fork_errno));
    return false;
  }
  int status = 0;
  while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  int sock = sv[0];
  int rc = SendMessage(sock, bytes.data(), bytes.size(), tap_fds.data(), tap_fds.size());
  // A runner that failed to start has already queued its error; read on.
  std::string send_err = rc == 0 ? "" : std::string(std::strerror(-rc));

  long long deadline = NowMs() + kRunnerAnswerTimeoutMs;
  std::string error_msg;
  for (;;) {
    long long left = deadline - NowMs();
    pollfd p{sock, POLLIN, 0};
    int r = left > 0 ? poll(&p, 1, static_cast<int>(left)) : 0;
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      error_msg = "the VM runner did not answer within " +
                  std::to_string(kRunnerAnswerTimeoutMs / 1000) + " s (see " + log_path + ")";
      // After shutdown the runner's "pid: N" can no longer be sent (and it
      // then does not exec); one already queued is drained so that QEMU is
      // not left running behind a reported failure.
      shutdown(sock, SHUT_RDWR);
      Received late;
      while (recv(sock, nullptr, 0, MSG_PEEK | MSG_DONTWAIT) >= 0 &&
             ReceiveMessage(sock, &late) == 0 && !late.eof) {
        for (int fd : late.fds) {
          close(fd);
        }
        std::string text(late.bytes.begin(), late.bytes.end());
        if (text.rfind("pid: ", 0) == 0) {
          *pid = static_cast<pid_t>(std::strtol(text.c_str() + 5, nullptr, 10));
        }
      }
      if (*pid > 0) {
        kill(*pid, SIGKILL);
      }
      *pid = -1;
      break;
    }
    Received msg;
    int rrc = ReceiveMessage(sock, &msg);
    if (rrc == -ECONNRESET) {
      // The runner exited without reading our spec (e.g. exec failed); the
      // kernel reports that once, and its queued error message follows.
      continue;
    }
    if (rrc != 0) {
      break;  // the runner is gone; what it said has been read
    }
    for (int fd : msg.fds) {
      close(fd);  // the runner never sends fds; do not leak any
    }
    if (msg.eof) {
      break;
    }
    std::string text(msg.bytes.begin(), msg.bytes.end());
    if (text.rfind("pid: ", 0) == 0) {
      *pid = static_cast<pid_t>(std::strtol(text.c_str() + 5, nullptr, 10));
    } else if (text.rfind("error: ", 0) == 0) {
      error_msg = text;
    } else {
      error_msg = "error: unexpected message from the VM runner: " + text.substr(0, 200);
    }
  }
  close(sock);
  if (error_msg.empty() && *pid <= 0) {
    error_msg = "the VM runner exited without starting QEMU" +
                (send_err.empty() ? "" : " (sending the spec failed: " + send_err + ")") +
                "; see " + log_path;
  }
  if (!error_msg.empty()) {
    *err = error_msg;
    // An error after the pid means the runner is exiting on its own.
    *pid = -1;
    return false;
  }
  return true;
}

bool WaitForQemuReady(const std::string& qmp_sock, pid_t pid, int timeout_ms, std::string* err) {
  long long deadline = NowMs() + timeout_ms;
  std::string last;
  for (;;) {
    if (WaitForExit(pid, 0)) {
      *err = "QEMU (pid " + std::to_string(pid) + ") exited during start-up";
      return false;
    }
    QmpClient qmp(1000);
    if (qmp.Connect(qmp_sock, &last)) {
      return true;
    }
    if (NowMs() >= deadline) {
      *err =
          "QEMU did not open its QMP socket within " + std::to_string(timeout_ms) + " ms: " + last;
      return false;
    }
    usleep(100 * 1000);
  }
}

}  // namespace qc
