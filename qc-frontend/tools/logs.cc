#include "logs.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "fd_io.h"
#include "tools.h"

namespace qc::tools {
namespace {

constexpr std::size_t kChunk = std::size_t{64} * 1024;
// How often follow mode looks for new output. Plain polling (like GNU tail
// without inotify) keeps rotation and truncation handling simple.
constexpr int kFollowPollMs = 200;

// Copies [from, EOF) of fd to out_fd; returns the new offset or -1.
off_t CopyFrom(int fd, off_t from, int out_fd) {
  std::vector<char> buf(kChunk);
  off_t pos = from;
  for (;;) {
    ssize_t n = pread(fd, buf.data(), buf.size(), pos);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return -1;
    }
    if (n == 0) {
      return pos;
    }
    if (!WriteAll(out_fd, buf.data(), static_cast<std::size_t>(n))) {
      return -1;
    }
    pos += n;
  }
}

volatile sig_atomic_t g_stop = 0;
void OnStopSignal(int /*sig*/) {
  g_stop = 1;
}

}  // namespace

std::string_view LastLines(std::string_view content, int lines) {
  if (lines < 0) {
    return content;
  }
  if (lines == 0 || content.empty()) {
    return {};
  }
  // Skip the newline that terminates the last line.
  std::size_t end = content.size();
  if (content[end - 1] == '\n') {
    --end;
  }
  std::size_t start = end;
  int seen = 0;
  while (start > 0) {
    if (content[start - 1] == '\n' && ++seen == lines) {
      break;
    }
    --start;
  }
  return content.substr(start);
}

int PrintLastLines(const std::string& path, int lines, int out_fd, off_t* end_offset,
                   std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      *error = "no serial log at " + path + " (has the VM been started?)";
    } else {
      *error = "cannot open " + path + ": " + std::strerror(errno);
    }
    return 1;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = path + " is not a regular file";
    close(fd);
    return 1;
  }
  off_t size = st.st_size;
  off_t from = 0;
  if (lines >= 0) {
    // Read backwards chunk by chunk until enough newlines are in hand.
    std::string tail;
    off_t pos = size;
    while (pos > 0) {
      off_t step = std::min<off_t>(static_cast<off_t>(kChunk), pos);
      pos -= step;
      std::string chunk(static_cast<std::size_t>(step), '\0');
      ssize_t n = pread(fd, chunk.data(), chunk.size(), pos);
      if (n != step) {
        *error = "cannot read " + path + ": " + (n < 0 ? std::strerror(errno) : "short read");
        close(fd);
        return 1;
      }
      tail.insert(0, chunk);
      if (std::count(tail.begin(), tail.end(), '\n') > lines) {
        break;
      }
    }
    from = size - static_cast<off_t>(LastLines(tail, lines).size());
  }
  off_t printed = CopyFrom(fd, from, out_fd);
  close(fd);
  if (printed < 0) {
    *error = "cannot copy " + path + ": " + std::strerror(errno);
    return 1;
  }
  *end_offset = printed;
  return 0;
}

int FollowLog(const std::string& path, off_t offset, int out_fd, const volatile sig_atomic_t* stop,
              std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return 1;
  }
  off_t pos = offset;
  while (*stop == 0) {
    struct stat open_st {};
    if (fstat(fd, &open_st) != 0) {
      break;
    }
    if (open_st.st_size < pos) {
      static constexpr char kMsg[] = "qemu-compose logs: log truncated, reading from the start\n";
      WriteAll(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
      pos = 0;
    }
    pos = CopyFrom(fd, pos, out_fd);
    if (pos < 0) {
      *error = std::string("cannot copy the log: ") + std::strerror(errno);
      close(fd);
      return 1;
    }
    // Rotated: the path now names a different file. The old one is already
    // drained; continue with the new one from its start.
    struct stat path_st {};
    if (stat(path.c_str(), &path_st) == 0 &&
        (path_st.st_ino != open_st.st_ino || path_st.st_dev != open_st.st_dev)) {
      int next = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (next >= 0) {
        close(fd);
        fd = next;
        pos = 0;
        continue;
      }
    }
    poll(nullptr, 0, kFollowPollMs);
  }
  close(fd);
  return 0;
}

int RunLogs(const std::string& serial_log, bool follow, int lines) {
  std::string error;
  off_t end = 0;
  if (PrintLastLines(serial_log, lines, STDOUT_FILENO, &end, &error) != 0) {
    std::string msg = "qemu-compose logs: " + error + "\n";
    WriteAll(STDERR_FILENO, msg.data(), msg.size());
    return 1;
  }
  if (!follow) {
    return 0;
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  g_stop = 0;
  if (FollowLog(serial_log, end, STDOUT_FILENO, &g_stop, &error) != 0) {
    std::string msg = "qemu-compose logs: " + error + "\n";
    WriteAll(STDERR_FILENO, msg.data(), msg.size());
    return 1;
  }
  return 0;
}

}  // namespace qc::tools
