#include "readiness/ssh_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>

#include "subprocess.h"
#include "tools/ssh_command.h"

namespace qc::readiness {
namespace {

constexpr std::size_t kMaxOutput = 4096;

std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) {
    return false;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::size_t rparen = text.rfind(')');
  return rparen != std::string::npos && rparen + 2 < text.size() && text[rparen + 2] != 'Z' &&
         text[rparen + 2] != 'X';
}

bool SshBannerSeen(const std::string& host, int port, int timeout_ms) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
    return false;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return false;
  }
  const std::int64_t deadline = SteadyMs() + timeout_ms;
  bool seen = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 || errno == EINPROGRESS) {
    std::string got;
    for (;;) {
      std::int64_t left = deadline - SteadyMs();
      pollfd p{fd, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) != 1) {
        break;
      }
      char buf[64];
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) {
        break;  // refused, reset, or QEMU's forward closing on us
      }
      got.append(buf, static_cast<std::size_t>(n));
      if (got.size() >= 4) {
        seen = got.starts_with("SSH-");
        break;
      }
    }
  }
  close(fd);
  return seen;
}

ProbeResult RunSshProbe(const tools::SshTarget& target, const std::string& remote_command,
                        int timeout_ms, pid_t qemu_pid) {
  tools::SshTarget t = target;
  // Batch mode, no terminal, none of the user's ssh_config.
  t.options.insert(t.options.end(), {"-F", "/dev/null", "-T", "-o", "BatchMode=yes", "-o",
                                     "ConnectTimeout=10", "-o", "ServerAliveInterval=5"});
  SpawnOptions opts;
  opts.argv = tools::BuildSshArgv(t, {remote_command});
  opts.search_path = true;
  opts.in = Redirect::Null();
  opts.out = Redirect::Pipe();
  opts.err = Redirect::Stdout();
  opts.new_session = true;
  ProbeResult r;
  Child child;
  std::string error;
  if (!Spawn(opts, &child, &error)) {
    r.output = error;
    return r;
  }
  int fd = child.stdout_fd();
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  const std::int64_t deadline = SteadyMs() + timeout_ms;
  bool open = true;
  for (;;) {
    if (open) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 200) > 0) {
        char buf[1024];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n > 0 && r.output.size() < kMaxOutput) {
          r.output.append(buf, static_cast<std::size_t>(n));
        }
        open = n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
      }
    }
    if (std::optional<ExitStatus> s = WaitFor(child.pid(), open ? 0 : 200)) {
      r.exit_code = s->Exited() ? s->code : -1;
      break;
    }
    r.vm_gone = qemu_pid > 0 && !ProcessAlive(qemu_pid);
    r.timed_out = SteadyMs() >= deadline;
    if (r.vm_gone || r.timed_out) {
      kill(-child.pid(), SIGKILL);
      (void)Wait(child.pid());
      break;
    }
  }
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r')) {
    r.output.pop_back();
  }
  return r;
}

}  // namespace qc::readiness
