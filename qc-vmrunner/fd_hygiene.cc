#include "fd_hygiene.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace qc::runner {

bool PrepareFdsForExec(const std::vector<int>& keep, int control_fd, std::string* err) {
  for (int fd : keep) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) != 0) {
      *err = "fd " + std::to_string(fd) + " for QEMU: " + std::strerror(errno);
      return false;
    }
  }
  int flags = fcntl(control_fd, F_GETFD);
  if (flags < 0 || fcntl(control_fd, F_SETFD, flags | FD_CLOEXEC) != 0) {
    *err = "control fd " + std::to_string(control_fd) + ": " + std::strerror(errno);
    return false;
  }
  std::vector<int> open_set = keep;
  open_set.insert(open_set.end(), {0, 1, 2, control_fd});
  std::sort(open_set.begin(), open_set.end());
  open_set.erase(std::unique(open_set.begin(), open_set.end()), open_set.end());
  // Close the gaps between the fds we keep, then everything above the last.
  unsigned next = 0;
  for (int fd : open_set) {
    auto ufd = static_cast<unsigned>(fd);
    if (ufd > next) {
      close_range(next, ufd - 1, 0);
    }
    next = ufd + 1;
  }
  close_range(next, ~0U, 0);
  return true;
}

}  // namespace qc::runner
