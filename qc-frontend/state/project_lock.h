// The per-project flock held by mutating commands (.qemu-compose/lock).
#pragma once

#include <string>

namespace qc::state {

class ProjectLock {
 public:
  ProjectLock() = default;
  ProjectLock(const ProjectLock&) = delete;
  ProjectLock& operator=(const ProjectLock&) = delete;
  ~ProjectLock();

  // Blocks until the exclusive lock is held; calls `on_wait` once if another
  // command holds it. false + error if the lock file cannot be opened.
  bool Acquire(const std::string& lock_path, void (*on_wait)(), std::string* error);
  // Non-blocking attempt: false (error empty) if someone else holds it.
  bool TryAcquire(const std::string& lock_path, std::string* error);

 private:
  int fd_ = -1;
};

}  // namespace qc::state
