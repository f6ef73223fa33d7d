// QmpClient against a scripted peer: replies, events, errors, timeouts and
// dead sockets.
#include "qmp_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "fake_qmp_server.h"

namespace qc {
namespace {

using qc::testing::FakeQmpServer;

TEST(QmpClient, QueryStatusSkipsEvents) {
  std::string seen;
  FakeQmpServer server([&](FakeQmpServer& s) {
    s.Handshake();
    seen = s.Receive();
    s.Send(
        R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "NIC_RX_FILTER_CHANGED", "data": {}})");
    s.Send(R"({"return": {"status": "running", "singlestep": false, "running": true}})");
    s.Receive();
  });
  QmpClient qmp(2000);
  std::string err;
  ASSERT_TRUE(qmp.Connect(server.path(), &err)) << err;
  std::string status;
  ASSERT_TRUE(qmp.QueryStatus(&status, &err)) << err;
  EXPECT_EQ(status, "running");
  EXPECT_EQ(seen, R"({"execute": "query-status"})");
}

TEST(QmpClient, CompactJsonIsUnderstood) {
  FakeQmpServer server([](FakeQmpServer& s) {
    s.Send(R"({"QMP":{"version":{},"capabilities":[]}})");
    s.Receive();
    s.Send(R"({"return":{}})");
    s.Receive();
    s.Send(R"({"return":{"status":"shutdown","running":false}})");
    s.Receive();
  });
  QmpClient qmp(2000);
  std::string err;
  ASSERT_TRUE(qmp.Connect(server.path(), &err)) << err;
  std::string status;
  ASSERT_TRUE(qmp.QueryStatus(&status, &err)) << err;
  EXPECT_EQ(status, "shutdown");
}

TEST(QmpClient, ErrorReplyIsReported) {
  FakeQmpServer server([](FakeQmpServer& s) {
    s.Handshake();
    s.Receive();
    s.Send(R"({"error": {"class": "GenericError", "desc": "no ACPI"}})");
    s.Receive();
  });
  QmpClient qmp(2000);
  std::string err;
  ASSERT_TRUE(qmp.Connect(server.path(), &err)) << err;
  EXPECT_FALSE(qmp.SystemPowerdown(&err));
  EXPECT_EQ(err, "QMP system_powerdown failed: GenericError: no ACPI");
}

TEST(QmpClient, MissingSocketIsReported) {
  QmpClient qmp(2000);
  std::string err;
  EXPECT_FALSE(qmp.Connect("/nonexistent/qmp.sock", &err));
  EXPECT_EQ(err, "cannot connect to QMP socket /nonexistent/qmp.sock: No such file or directory");
}

TEST(QmpClient, SocketNobodyListensOnIsReported) {
  // A socket file nobody listens on, as a crashed QEMU leaves it.
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string stale = "/tmp/qc-qmp-stale-" + std::to_string(getpid()) + ".sock";
  std::strncpy(addr.sun_path, stale.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(fd);
  QmpClient qmp(2000);
  std::string err;
  EXPECT_FALSE(qmp.Connect(stale, &err));
  EXPECT_EQ(err, "cannot connect to QMP socket " + stale + ": Connection refused");
  unlink(stale.c_str());
}

TEST(QmpClient, SilentPeerTimesOut) {
  FakeQmpServer server([](FakeQmpServer& s) {
    s.Receive();  // never greets; returns when the client gives up
  });
  QmpClient qmp(300);
  std::string err;
  EXPECT_FALSE(qmp.Connect(server.path(), &err));
  EXPECT_EQ(err, "QMP greeting from " + server.path() + ": timed out after 300 ms waiting for QMP");
}

TEST(QmpClient, PeerThatHangsUpIsReported) {
  FakeQmpServer server([](FakeQmpServer& s) {
    s.Handshake();
    s.Receive();
    s.Hangup();
  });
  QmpClient qmp(2000);
  std::string err;
  ASSERT_TRUE(qmp.Connect(server.path(), &err)) << err;
  std::string status;
  EXPECT_FALSE(qmp.QueryStatus(&status, &err));
  EXPECT_EQ(err, "QMP connection closed by QEMU");
}

TEST(QmpClient, NotAGreetingIsReported) {
  FakeQmpServer server([](FakeQmpServer& s) {
    s.Send("SSH-2.0-OpenSSH_9.2");
    s.Receive();
  });
  QmpClient qmp(2000);
  std::string err;
  EXPECT_FALSE(qmp.Connect(server.path(), &err));
  EXPECT_EQ(err.rfind("QMP greeting from " + server.path() + ": malformed QMP message", 0), 0U)
      << err;
}

TEST(QmpClient, TruncatedOrNonObjectRepliesAreReported) {
  FakeQmpServer server([](FakeQmpServer& s) {
    s.Handshake();
    s.Receive();
    s.Send(R"({"return": {"status": "runn)");
  });
  QmpClient qmp(2000);
  std::string err;
  std::string status;
  ASSERT_TRUE(qmp.Connect(server.path(), &err)) << err;
  EXPECT_FALSE(qmp.QueryStatus(&status, &err));
  EXPECT_EQ(err.rfind("malformed QMP message (not JSON)", 0), 0U) << err;

  FakeQmpServer list([](FakeQmpServer& s) {
    s.Send(R"(["QMP"])");
    s.Receive();
  });
  QmpClient qmp2(2000);
  EXPECT_FALSE(qmp2.Connect(list.path(), &err));
  EXPECT_NE(err.find("not a JSON object"), std::string::npos) << err;
}

TEST(QmpClient, QuitCountsHangupAsSuccess) {
  FakeQmpServer server([](FakeQmpServer& s) {
    s.Handshake();
    if (s.Receive() == R"({"execute": "quit"})") {
      s.Hangup();  // QEMU exits before answering
    }
  });
  QmpClient qmp(2000);
  std::string err;
  ASSERT_TRUE(qmp.Connect(server.path(), &err)) << err;
  EXPECT_TRUE(qmp.Quit(&err)) << err;
}

TEST(QmpClient, CallsWithoutConnectionFail) {
  QmpClient qmp(2000);
  std::string err;
  std::string status;
  EXPECT_FALSE(qmp.QueryStatus(&status, &err));
  EXPECT_EQ(err, "not connected to QMP");
}

}  // namespace
}  // namespace qc
