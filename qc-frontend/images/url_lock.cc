#include "images/url_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace qc::images {
namespace {

int OpenLock(const std::string& path, std::string* error) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
  }
  return fd;
}

}  // namespace

UrlLock::~UrlLock() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

bool UrlLock::Acquire(const std::string& path, const std::function<void()>& on_wait, bool* waited,
                      std::string* error) {
  *waited = false;
  fd_ = OpenLock(path, error);
  if (fd_ < 0) {
    return false;
  }
  if (flock(fd_, LOCK_EX | LOCK_NB) == 0) {
    return true;
  }
  if (errno != EWOULDBLOCK) {
    *error = "cannot lock " + path + ": " + std::strerror(errno);
    return false;
  }
  *waited = true;
  on_wait();
  while (flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      *error = "cannot lock " + path + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

bool UrlLock::TryAcquire(const std::string& path, std::string* error) {
  fd_ = OpenLock(path, error);
  if (fd_ < 0) {
    return false;
  }
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    *error = "a pull of this image is in progress";
    close(fd_);
    fd_ = -1;
    return false;
  }
  return true;
}

}  // namespace qc::images
