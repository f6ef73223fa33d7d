#include "project_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace qc::state {

ProjectLock::~ProjectLock() {
  if (fd_ >= 0) {
    close(fd_);  // releases the flock
  }
}

bool ProjectLock::TryAcquire(const std::string& lock_path, std::string* error) {
  if (fd_ < 0) {
    fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  }
  if (fd_ < 0) {
    *error = "cannot open lock file " + lock_path + ": " + std::strerror(errno);
    return false;
  }
  error->clear();
  return flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

bool ProjectLock::Acquire(const std::string& lock_path, void (*on_wait)(), std::string* error) {
  if (TryAcquire(lock_path, error)) {
    return true;
  }
  if (!error->empty()) {
    return false;
  }
  if (on_wait != nullptr) {
    on_wait();
  }
  while (flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      *error = "cannot lock " + lock_path + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

}  // namespace qc::state
