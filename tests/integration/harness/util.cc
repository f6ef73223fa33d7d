// Waiting, reading files and picking the guest's machine-readable lines.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.h"

namespace qc::itest {

int WaitPid(pid_t pid, int timeout_ms) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  bool timed_out = false;
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int n;
    while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    close(pidfd);
    timed_out = n == 0;
  } else {
    // Not our child or already reaped; waitpid below reports it.
    timed_out = false;
  }
  if (timed_out) {
    kill(pid, SIGKILL);
  }
  int status = 0;
  pid_t r;
  while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return INT_MIN;
  }
  if (r < 0) {
    return INT_MIN;
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return -WTERMSIG(status);
}

bool WaitFor(const std::function<bool()>& cond, int timeout_ms, int poll_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (cond()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "";
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> MarkerLines(const std::string& text, const std::string& marker) {
  std::vector<std::string> lines;
  for (size_t pos = text.find(marker); pos != std::string::npos;
       pos = text.find(marker, pos + marker.size())) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    std::erase(line, '\r');
    lines.push_back(line);
  }
  return lines;
}

std::string FieldOf(const std::string& line, const std::string& key) {
  std::istringstream in(line);
  for (std::string word; in >> word;) {
    if (word.size() > key.size() && word.compare(0, key.size(), key) == 0 &&
        word[key.size()] == '=') {
      return word.substr(key.size() + 1);
    }
  }
  return "";
}

}  // namespace qc::itest
