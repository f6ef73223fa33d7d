#include "helper_probe.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "seqpacket.h"
#include "subprocess.h"

namespace qc::tools {
namespace {

// Generous: the helper may run under sanitizers or on a loaded machine.
// This guards against a hung helper; it is not a measurement.
constexpr int kReplyTimeoutMs = 15000;

// How long an exiting helper gets after EOF before it is killed.
constexpr int kExitWaitMs = 1000;

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
  // fd 3 = our end of the socketpair; nothing else leaks; no environment.
  SpawnOptions opts;
  opts.argv = {helper_path};
  opts.env = std::vector<std::string>{};
  opts.err = Redirect::Pipe();
  opts.pass_fds = {{3, sv[1]}};
  Child child;
  std::string spawn_error;
  bool spawned = Spawn(opts, &child, &spawn_error);
  close(sv[1]);
  if (!spawned) {
    close(sv[0]);
    out.failure = "could not be executed (" + spawn_error + ")";
    return out;
  }
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
  ExitStatus status = WaitOrKill(child.pid(), kExitWaitMs, false);
  std::string helper_said = ReadStderr(child.stderr_fd());
  if (!out.replied) {
    out.failure += "; the helper " + status.Describe();
    if (!helper_said.empty()) {
      out.failure += ": " + helper_said;
    }
  }
  return out;
}

}  // namespace qc::tools
