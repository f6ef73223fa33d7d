#include "qmp_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>

#include "monotonic_ms.h"

namespace qc {
namespace {

// QMP lines are small; a peer that sends more without a newline is broken.
constexpr std::size_t kMaxLineBytes = 1 << 20;

// Waits for `events` on fd until the deadline. Returns 1 ready, 0 timeout,
// -errno on error.
int WaitFd(int fd, short events, long long deadline_ms) {
  for (;;) {
    long long left = deadline_ms - MonotonicMs();
    if (left <= 0) {
      return 0;
    }
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0) {
      return -errno;
    }
    if (r == 0) {
      return 0;
    }
    return 1;
  }
}

// One QMP message: a JSON object on one line.
bool ParseLine(const std::string& line, nlohmann::json* out, std::string* err) {
  *out = nlohmann::json::parse(line, nullptr, false);
  if (out->is_discarded()) {
    *err = "malformed QMP message (not JSON): " + line.substr(0, 200);
    return false;
  }
  if (!out->is_object()) {
    *err = "malformed QMP message (not a JSON object): " + line.substr(0, 200);
    return false;
  }
  return true;
}

}  // namespace

QmpClient::~QmpClient() {
  Close();
}

void QmpClient::Close() {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  pending_.clear();
  peer_closed_ = false;
}

bool QmpClient::Connect(const std::string& socket_path, std::string* err) {
  Close();
  long long deadline = MonotonicMs() + timeout_ms_;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(addr.sun_path)) {
    *err = "QMP socket path '" + socket_path + "' is empty or longer than " +
           std::to_string(sizeof(addr.sun_path) - 1) + " bytes";
    return false;
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *err = "socket: " + std::string(std::strerror(errno));
    return false;
  }
  fd_ = fd;
  int r = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  if (r != 0 && (errno == EINPROGRESS || errno == EAGAIN)) {
    // Unix sockets only get here when the listen backlog is full.
    int w = WaitFd(fd, POLLOUT, deadline);
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
      r = 0;
    } else {
      errno = w == 0 ? ETIMEDOUT : (soerr != 0 ? soerr : EIO);
    }
  }
  if (r != 0) {
    *err = "cannot connect to QMP socket " + socket_path + ": " + std::strerror(errno);
    Close();
    return false;
  }
  std::string line;
  nlohmann::json greeting;
  if (!ReadLine(deadline, &line, err) || !ParseLine(line, &greeting, err)) {
    *err = "QMP greeting from " + socket_path + ": " + *err;
    Close();
    return false;
  }
  if (!greeting.contains("QMP")) {
    *err = "QMP greeting from " + socket_path + " missing: got " + line.substr(0, 200);
    Close();
    return false;
  }
  if (!Execute("qmp_capabilities", nullptr, err)) {
    *err = "QMP capabilities negotiation: " + *err;
    Close();
    return false;
  }
  return true;
}

bool QmpClient::SendLine(const std::string& line, long long deadline_ms, std::string* err) {
  std::size_t off = 0;
  while (off < line.size()) {
    ssize_t n = send(fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      int w = WaitFd(fd_, POLLOUT, deadline_ms);
      if (w == 1) {
        continue;
      }
      *err = w == 0 ? "timed out sending to QMP" : "poll: " + std::string(std::strerror(-w));
      return false;
    }
    peer_closed_ = errno == EPIPE || errno == ECONNRESET;
    *err = "QMP connection lost while sending: " + std::string(std::strerror(errno));
    return false;
  }
  return true;
}

bool QmpClient::ReadLine(long long deadline_ms, std::string* line, std::string* err) {
  for (;;) {
    std::size_t nl = pending_.find('\n');
    if (nl != std::string::npos) {
      *line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return true;
    }
    if (pending_.size() > kMaxLineBytes) {
      *err = "QMP message longer than " + std::to_string(kMaxLineBytes) + " bytes";
      return false;
    }
    int w = WaitFd(fd_, POLLIN, deadline_ms);
    if (w == 0) {
      *err = "timed out after " + std::to_string(timeout_ms_) + " ms waiting for QMP";
      return false;
    }
    if (w < 0) {
      *err = "poll: " + std::string(std::strerror(-w));
      return false;
    }
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    }
    if (n < 0) {
      peer_closed_ = errno == ECONNRESET;
      *err = "QMP connection error: " + std::string(std::strerror(errno));
      return false;
    }
    if (n == 0) {
      peer_closed_ = true;
      *err = "QMP connection closed by QEMU";
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

bool QmpClient::Execute(const std::string& command, std::string* reply_line, std::string* err) {
  if (fd_ < 0) {
    *err = "not connected to QMP";
    return false;
  }
  long long deadline = MonotonicMs() + timeout_ms_;
  // Commands are fixed identifiers of ours; no JSON escaping needed.
  if (!SendLine("{\"execute\": \"" + command + "\"}\n", deadline, err)) {
    return false;
  }
  for (;;) {
    std::string line;
    if (!ReadLine(deadline, &line, err)) {
      return false;
    }
    nlohmann::json reply;
    if (!ParseLine(line, &reply, err)) {
      return false;
    }
    if (reply.contains("event")) {
      continue;  // asynchronous event, not our answer
    }
    if (reply.contains("return")) {
      if (reply_line != nullptr) {
        *reply_line = line;
      }
      return true;
    }
    if (auto e = reply.find("error"); e != reply.end() && e->is_object()) {
      auto text = [&](const char* key, const char* fallback) {
        auto it = e->find(key);
        return it != e->end() && it->is_string() ? it->get<std::string>() : fallback;
      };
      std::string cls = text("class", "Error");
      std::string desc = text("desc", "");
      std::string msg = "QMP ";
      msg += command;
      msg += " failed: ";
      msg += cls;
      if (!desc.empty()) {
        msg += ": ";
        msg += desc;
      }
      *err = std::move(msg);
      return false;
    }
    *err = "unexpected QMP message: " + line.substr(0, 200);
    return false;
  }
}

bool QmpClient::QueryStatus(std::string* status, std::string* err) {
  std::string line;
  if (!Execute("query-status", &line, err)) {
    return false;
  }
  nlohmann::json reply;
  if (!ParseLine(line, &reply, err)) {
    return false;
  }
  const nlohmann::json& ret = reply["return"];
  if (!ret.is_object() || !ret.contains("status") || !ret["status"].is_string()) {
    *err = "query-status reply has no status: " + line.substr(0, 200);
    return false;
  }
  *status = ret["status"].get<std::string>();
  return true;
}

bool QmpClient::SystemPowerdown(std::string* err) {
  return Execute("system_powerdown", nullptr, err);
}

bool QmpClient::Quit(std::string* err) {
  if (Execute("quit", nullptr, err)) {
    return true;
  }
  // QEMU may exit before its reply reaches us; a closed socket is the result
  // we asked for.
  if (peer_closed_) {
    err->clear();
    Close();
    return true;
  }
  return false;
}

}  // namespace qc
