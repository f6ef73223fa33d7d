#include "helper_probe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "seqpacket.h"

namespace qc::tools {
namespace {

// Generous: the helper may run under sanitizers or on a loaded machine.
// This guards against a hung helper; it is not a measurement.
constexpr int kReplyTimeoutMs = 15000;

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    std::string s = "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    if (sig == SIGSYS) {
      s += ": a seccomp violation";
    }
    return s;
  }
  return "ended";
}

// Waits for the child, killing it if it does not exit soon after EOF.
int Reap(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 50; ++i) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return status;
    }
    if (r < 0 && errno != EINTR) {
      return status;
    }
    poll(nullptr, 0, 20);
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// What the (exited) helper wrote to stderr, lines joined with "; ". The
// pipe is non-blocking: a process the helper forked may still hold it open.
std::string ReadStderr(int fd) {
  std::string text;
  char buf[1024];
  ssize_t n;
  while (text.size() < 4096 && (n = read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      break;
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  std::string joined;
  for (char c : text) {
    joined += c == '\n' ? std::string("; ") : std::string(1, c);
  }
  return joined;
}

}  // namespace

HelperHello ProbeHelper(const std::string& helper_path) {
  HelperHello out;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    out.failure = std::string("socketpair: ") + std::strerror(errno);
    return out;
  }
  // The helper's stderr explains a refusal to start (e.g. missing
  // capabilities); collect it for the report instead of mixing it in.
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0 || fcntl(err_pipe[0], F_SETFL, O_NONBLOCK) != 0) {
    out.failure = std::string("pipe: ") + std::strerror(errno);
    close(sv[0]);
    close(sv[1]);
    return out;
  }
  pid_t pid = fork();
  if (pid < 0) {
    out.failure = std::string("fork: ") + std::strerror(errno);
    for (int fd : {sv[0], sv[1], err_pipe[0], err_pipe[1]}) {
      close(fd);
    }
    return out;
  }
  if (pid == 0) {
    dup2(err_pipe[1], STDERR_FILENO);
    // fd 3 = our end of the socketpair, without CLOEXEC; nothing else leaks.
    if (sv[1] == 3) {
      fcntl(3, F_SETFD, 0);
    } else if (dup2(sv[1], 3) != 3) {
      _exit(126);
    }
    close_range(4, ~0U, 0);
    char* argv[] = {const_cast<char*>(helper_path.c_str()), nullptr};
    char* envp[] = {nullptr};
    execve(helper_path.c_str(), argv, envp);
    _exit(127);
  }
  close(sv[1]);
  close(err_pipe[1]);
  int sock = sv[0];

  qc::netd::Request request;
  request.mutable_hello()->set_version(qc::kProtocolVersion);
  std::string bytes = request.SerializeAsString();
  int rc = qc::SendMessage(sock, bytes.data(), bytes.size());
  if (rc == 0) {
    pollfd pfd{sock, POLLIN, 0};
    int ready;
    do {
      ready = poll(&pfd, 1, kReplyTimeoutMs);
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
      out.failure = "no reply within " + std::to_string(kReplyTimeoutMs / 1000) + " s";
    } else {
      qc::Received received;
      rc = qc::ReceiveMessage(sock, &received);
      for (int fd : received.fds) {
        close(fd);
      }
      if (rc != 0) {
        out.failure = std::string("receiving the reply: ") + std::strerror(-rc);
      } else if (received.eof || received.bytes.empty()) {
        out.failure = "closed the connection without replying";
      } else if (received.truncated ||
                 !out.reply.ParseFromArray(received.bytes.data(),
                                           static_cast<int>(received.bytes.size()))) {
        out.failure = "sent an undecodable reply";
      } else {
        out.replied = true;
      }
    }
  } else if (rc != -EPIPE && rc != -ECONNRESET) {
    out.failure = std::string("sending Hello: ") + std::strerror(-rc);
  } else {
    out.failure = "closed the connection before Hello";
  }
  close(sock);
  int status = Reap(pid);
  std::string helper_said = ReadStderr(err_pipe[0]);
  close(err_pipe[0]);
  if (!out.replied) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      out.failure = "could not be executed (" + helper_path + ")";
    } else {
      out.failure += "; the helper " + DescribeExit(status);
    }
    if (!helper_said.empty()) {
      out.failure += ": " + helper_said;
    }
  }
  return out;
}

}  // namespace qc::tools
