#include "runner_launch.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "monotonic_ms.h"
#include "seqpacket.h"
#include "stop_vm.h"
#include "subprocess.h"

namespace qc {
namespace {}  // namespace

bool StartRunner(const std::string& runner_path, const qc::vm::VmSpec& spec,
                 const std::vector<int>& tap_fds, const std::string& log_path, PendingRunner* p,
                 std::string* err) {
  *p = PendingRunner{};
  p->log_path = log_path;
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
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    *err = "cannot create runner socket: " + std::string(std::strerror(errno));
    close(log_fd);
    return false;
  }
  // Detached (double fork, new session): the runner, later QEMU, is never
  // our child, so nothing has to wait for it and no zombie is left behind.
  SpawnOptions opts;
  opts.argv = {runner_path};
  opts.in = Redirect::Null();
  opts.out = Redirect::Fd(log_fd);
  opts.err = Redirect::Fd(log_fd);
  opts.pass_fds = {{3, sv[1]}};
  std::string spawn_error;
  bool started = SpawnDetached(opts, &spawn_error);
  close(sv[1]);
  close(log_fd);
  if (!started) {
    close(sv[0]);
    *err = "error: cannot execute the VM runner (" + spawn_error + ")";
    return false;
  }
  p->sock = sv[0];
  p->deadline_ms = MonotonicMs() + kRunnerAnswerTimeoutMs;
  int rc = SendMessage(p->sock, bytes.data(), bytes.size(), tap_fds.data(), tap_fds.size());
  // A runner that failed to start has already queued its error; FinishRunner reads on.
  p->send_error = rc == 0 ? "" : std::string(std::strerror(-rc));
  return true;
}

bool FinishRunner(PendingRunner* p, pid_t* pid, std::string* err) {
  *pid = -1;
  int sock = p->sock;
  p->sock = -1;
  if (sock < 0) {
    *err = "internal error: the VM runner was not started";
    return false;
  }
  const std::string& log_path = p->log_path;
  std::string error_msg;
  for (;;) {
    long long left = p->deadline_ms - MonotonicMs();
    pollfd pfd{sock, POLLIN, 0};
    int r = left > 0 ? poll(&pfd, 1, static_cast<int>(left)) : 0;
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
                (p->send_error.empty() ? "" : " (sending the spec failed: " + p->send_error + ")") +
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

bool LaunchRunner(const std::string& runner_path, const qc::vm::VmSpec& spec,
                  const std::vector<int>& tap_fds, const std::string& log_path, pid_t* pid,
                  std::string* err) {
  *pid = -1;
  PendingRunner p;
  return StartRunner(runner_path, spec, tap_fds, log_path, &p, err) && FinishRunner(&p, pid, err);
}

namespace {

// A non-blocking connect to a unix socket; -1 if nobody listens (yet).
int ConnectUnix(const std::string& path) {
  sockaddr_un a{};
  if (path.size() >= sizeof(a.sun_path)) {
    return -1;
  }
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

}  // namespace

bool WaitForQmpGreetings(std::vector<QmpWait>* vms, int timeout_ms) {
  constexpr int kPollMs = 20;
  long long deadline = MonotonicMs() + timeout_ms;
  std::vector<int> fds(vms->size(), -1);
  std::vector<std::string> got(vms->size());
  std::size_t pending = 0;
  for (auto& v : *vms) {
    v.ready = false;
    v.error.clear();
    ++pending;
  }
  while (pending > 0) {
    std::vector<pollfd> pfds;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < vms->size(); ++i) {
      QmpWait& v = (*vms)[i];
      if (v.ready || !v.error.empty()) {
        continue;
      }
      if (fds[i] < 0) {
        if (WaitForExit(v.pid, 0)) {
          v.error = "QEMU (pid " + std::to_string(v.pid) + ") exited during start-up";
          --pending;
          continue;
        }
        fds[i] = ConnectUnix(v.qmp_sock);
      }
      if (fds[i] >= 0) {
        pfds.push_back({fds[i], POLLIN, 0});
        which.push_back(i);
      }
    }
    if (pending == 0) {
      break;
    }
    long long left = deadline - MonotonicMs();
    if (left <= 0) {
      for (auto& v : *vms) {
        if (!v.ready && v.error.empty()) {
          v.error = "QEMU did not greet on its QMP socket " + v.qmp_sock + " within " +
                    std::to_string(timeout_ms / 1000) + " s";
        }
      }
      break;
    }
    int r = poll(pfds.data(), pfds.size(), static_cast<int>(std::min<long long>(left, kPollMs)));
    if (r < 0 && errno != EINTR) {
      break;
    }
    for (std::size_t k = 0; r > 0 && k < pfds.size(); ++k) {
      if (pfds[k].revents == 0) {
        continue;
      }
      std::size_t i = which[k];
      char buf[512];
      ssize_t n = read(fds[i], buf, sizeof(buf));
      if (n > 0) {
        got[i].append(buf, static_cast<std::size_t>(n));
        if (got[i].find("\"QMP\"") != std::string::npos) {
          (*vms)[i].ready = true;
          --pending;
        } else if (got[i].size() < 4096) {
          continue;
        }
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        continue;
      }
      // Greeted, or closed / garbage: a new connection is tried next round.
      close(fds[i]);
      fds[i] = -1;
      got[i].clear();
    }
  }
  for (int fd : fds) {
    if (fd >= 0) {
      close(fd);
    }
  }
  bool all = true;
  for (const auto& v : *vms) {
    all = all && v.ready;
  }
  return all;
}

}  // namespace qc
