// The cheap readiness check: an SSH banner, not just an open port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include "readiness/ssh_probe.h"

namespace qc::readiness {
namespace {

// A one-connection server on 127.0.0.1 that sends `greeting` then closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string greeting) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    socklen_t len = sizeof(a);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 1);
    thread_ = std::thread([this, greeting] {
      int c = accept(fd_, nullptr, nullptr);
      if (c >= 0) {
        (void)!write(c, greeting.data(), greeting.size());
        close(c);
      }
    });
  }
  ~OneShotServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(SshBanner, SeenFromAnSshServer) {
  OneShotServer s("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
  EXPECT_TRUE(SshBannerSeen("127.0.0.1", s.port(), 2000));
}

TEST(SshBanner, NotSeenWhenTheConnectionJustCloses) {
  OneShotServer s("");  // like QEMU's user-mode forward with no guest listening
  EXPECT_FALSE(SshBannerSeen("127.0.0.1", s.port(), 2000));
}

TEST(SshBanner, NotSeenFromAnotherProtocol) {
  OneShotServer s("HTTP/1.1 400 Bad Request\r\n");
  EXPECT_FALSE(SshBannerSeen("127.0.0.1", s.port(), 2000));
}

TEST(SshBanner, NotSeenWithoutAnAddress) {
  EXPECT_FALSE(SshBannerSeen("not-an-ip", 22, 100));
}

}  // namespace
}  // namespace qc::readiness
