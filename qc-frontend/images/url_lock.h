// One pull of a URL at a time per cache: an flock on <key>.lock. Whoever
// waits finds the entry complete afterwards and reuses it.
#pragma once

#include <functional>
#include <string>

namespace qc::images {

class UrlLock {
 public:
  UrlLock() = default;
  ~UrlLock();
  UrlLock(const UrlLock&) = delete;
  UrlLock& operator=(const UrlLock&) = delete;

  // Takes the lock at path; if another process holds it, calls
  // on_wait() once and blocks until it is free. *waited says whether it had
  // to wait.
  bool Acquire(const std::string& path, const std::function<void()>& on_wait, bool* waited,
               std::string* error);
  // Tries once without waiting (prune and rm skip a URL being pulled).
  bool TryAcquire(const std::string& path, std::string* error);

 private:
  int fd_ = -1;
};

}  // namespace qc::images
