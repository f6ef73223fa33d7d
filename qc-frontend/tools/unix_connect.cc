#include "unix_connect.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace qc::tools {

int ConnectUnixStream(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string target = path;
  int dir_fd = -1;
  if (target.size() >= sizeof(addr.sun_path)) {
    // Too long for sun_path: reach the socket through an O_PATH fd of its
    // directory, which /proc/self/fd turns into a short path.
    std::size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    dir_fd = open(dir.empty() ? "/" : dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
      return -errno;
    }
    target = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + path.substr(slash + 1);
    if (target.size() >= sizeof(addr.sun_path)) {
      close(dir_fd);
      return -ENAMETOOLONG;
    }
  }
  std::memcpy(addr.sun_path, target.c_str(), target.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    if (dir_fd >= 0) {
      close(dir_fd);
    }
    return -err;
  }
  int rc;
  do {
    rc = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (rc < 0 && errno == EINTR);
  int err = errno;
  if (dir_fd >= 0) {
    close(dir_fd);
  }
  if (rc < 0) {
    close(fd);
    return -err;
  }
  return fd;
}

}  // namespace qc::tools
