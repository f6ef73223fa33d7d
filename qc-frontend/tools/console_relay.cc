#include "console_relay.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fd_io.h"

namespace qc::tools {

RelayEnd RelayConsole(int in_fd, int out_fd, int sock_fd, const volatile sig_atomic_t* stop,
                      const sigset_t* wait_mask, std::string* error) {
  char buf[4096];
  for (;;) {
    if (*stop != 0) {
      return RelayEnd::kStopped;
    }
    pollfd fds[2] = {{in_fd, POLLIN, 0}, {sock_fd, POLLIN, 0}};
    int ready = ppoll(fds, 2, nullptr, wait_mask);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      *error = std::string("poll: ") + std::strerror(errno);
      return RelayEnd::kError;
    }
    // Drain the VM side first so output is never lost behind a detach.
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      ssize_t n = read(sock_fd, buf, sizeof(buf));
      if (n < 0 && errno != EINTR && errno != EAGAIN) {
        if (errno == ECONNRESET) {
          return RelayEnd::kPeerClosed;
        }
        *error = std::string("reading the console: ") + std::strerror(errno);
        return RelayEnd::kError;
      }
      if (n == 0) {
        return RelayEnd::kPeerClosed;
      }
      if (n > 0 && !WriteAll(out_fd, buf, static_cast<std::size_t>(n))) {
        *error = std::string("writing to the terminal: ") + std::strerror(errno);
        return RelayEnd::kError;
      }
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      ssize_t n = read(in_fd, buf, sizeof(buf));
      if (n < 0 && errno != EINTR && errno != EAGAIN) {
        *error = std::string("reading input: ") + std::strerror(errno);
        return RelayEnd::kError;
      }
      if (n == 0) {
        return RelayEnd::kInputClosed;
      }
      if (n > 0) {
        const void* detach = std::memchr(buf, kDetachByte, static_cast<std::size_t>(n));
        std::size_t send_len =
            detach != nullptr ? static_cast<std::size_t>(static_cast<const char*>(detach) - buf)
                              : static_cast<std::size_t>(n);
        if (send_len > 0 && !WriteAll(sock_fd, buf, send_len)) {
          if (errno == EPIPE || errno == ECONNRESET) {
            return RelayEnd::kPeerClosed;
          }
          *error = std::string("writing to the console: ") + std::strerror(errno);
          return RelayEnd::kError;
        }
        if (detach != nullptr) {
          return RelayEnd::kDetached;
        }
      }
    }
  }
}

}  // namespace qc::tools
