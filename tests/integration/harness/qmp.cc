// Minimal QMP client for tests (one command per connection), and typing into
// a guest's serial console socket.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "harness.h"

namespace qc::itest {
namespace {

class LineReader {
 public:
  LineReader(int fd, std::chrono::steady_clock::time_point deadline)
      : fd_(fd), deadline_(deadline) {}
  std::string Next() {
    while (true) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline_ - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) {
        throw std::runtime_error("QMP: timed out waiting for a reply");
      }
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR) {
        throw std::runtime_error(std::string("QMP: poll: ") + strerror(errno));
      }
      if ((p.revents & POLLIN) == 0 && p.revents != 0) {
        throw std::runtime_error("QMP: connection closed");
      }
      if ((p.revents & POLLIN) == 0) {
        continue;
      }
      char chunk[4096];
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) {
        throw std::runtime_error("QMP: connection closed");
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }
  // Skips asynchronous events until a command reply.
  std::string NextReply() {
    while (true) {
      std::string line = Next();
      if (line.find("\"return\"") != std::string::npos ||
          line.find("\"error\"") != std::string::npos) {
        return line;
      }
    }
  }

 private:
  int fd_;
  std::chrono::steady_clock::time_point deadline_;
  std::string buf_;
};

void SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      throw std::runtime_error(std::string("QMP: send: ") + strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
}

}  // namespace

void ConsoleWrite(const std::string& socket_path, const std::string& text) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    throw std::runtime_error("console: socket path too long");
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error(std::string("console: socket: ") + strerror(errno));
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string why = strerror(errno);
    close(fd);
    throw std::runtime_error("console: connect " + socket_path + ": " + why);
  }
  try {
    SendAll(fd, text);
  } catch (...) {
    close(fd);
    throw;
  }
  // QEMU feeds the guest UART only as fast as its FIFO drains and drops what
  // is still queued when the client disconnects. The shell echoes every typed
  // byte back to us, so stay connected until at least that much came back and
  // then the console went quiet: ash redraws a line that wraps at 80 columns,
  // so the echo can reach the typed length while input is still queued.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  constexpr int kQuietMs = 500;
  size_t echoed = 0;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      break;
    }
    const bool enough = echoed >= text.size();
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(enough ? std::min<long>(left, kQuietMs) : left));
    if (ready == 0 && enough) {
      break;
    }
    if (ready <= 0) {
      continue;
    }
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) {
      break;
    }
    echoed += static_cast<size_t>(n);
  }
  close(fd);
}

std::string QmpExecute(const std::string& socket_path, const std::string& command_json,
                       int timeout_ms) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    throw std::runtime_error("QMP: socket path too long");
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error(std::string("QMP: socket: ") + strerror(errno));
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string why = strerror(errno);
    close(fd);
    throw std::runtime_error("QMP: connect " + socket_path + ": " + why);
  }
  try {
    LineReader reader(fd, std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms));
    reader.Next();  // greeting
    SendAll(fd, "{\"execute\":\"qmp_capabilities\"}\n");
    reader.NextReply();
    SendAll(fd, command_json + "\n");
    std::string reply = reader.NextReply();
    close(fd);
    return reply;
  } catch (...) {
    close(fd);
    throw;
  }
}

}  // namespace qc::itest
