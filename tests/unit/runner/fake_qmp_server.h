// A scripted QMP peer on a real unix socket, for protocol tests of QmpClient
// and StopVm. Accepts one connection and hands it to the script.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

namespace qc::testing {

class FakeQmpServer {
 public:
  using Script = std::function<void(FakeQmpServer&)>;

  explicit FakeQmpServer(Script script) {
    char tmpl[] = "/tmp/qc-qmp-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/qmp.sock";
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listen_fd_, 1) != 0) {
      std::abort();
    }
    thread_ = std::thread([this, script] {
      conn_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn_ >= 0) {
        script(*this);
        if (conn_ >= 0) {
          close(conn_);
        }
      }
    });
  }
  ~FakeQmpServer() {
    // Unblocks accept() if the client never came.
    shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    close(listen_fd_);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  FakeQmpServer(const FakeQmpServer&) = delete;
  FakeQmpServer& operator=(const FakeQmpServer&) = delete;

  const std::string& path() const { return path_; }

  void Send(const std::string& line) {
    std::string data = line + "\n";
    (void)send(conn_, data.data(), data.size(), MSG_NOSIGNAL);
  }
  // One line from the client, "" on EOF.
  std::string Receive() {
    std::string line;
    char c;
    while (recv(conn_, &c, 1, 0) == 1) {
      if (c == '\n') {
        return line;
      }
      line += c;
    }
    return line;
  }
  void Hangup() {
    close(conn_);
    conn_ = -1;
  }
  // Greeting + capabilities negotiation, as QEMU does it.
  void Handshake() {
    Send(
        R"({"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": ["oob"]}})");
    if (Receive().find("qmp_capabilities") != std::string::npos) {
      Send(R"({"return": {}})");
    }
  }

 private:
  std::string dir_;
  std::string path_;
  int listen_fd_ = -1;
  int conn_ = -1;
  std::thread thread_;
};

}  // namespace qc::testing
