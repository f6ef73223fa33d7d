// Start-up contract and protocol robustness of qc-netd-helper.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper_test_util.h"
#include "seqpacket.h"

namespace qc::itest {
namespace {

TEST(HelperStartup, RefusesWhenFd3IsNotASeqpacketSocket) {
  Netns ns;
  std::string err_path = ScratchDir(UserA()) + "/stderr";
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = ns.Spawn(&UserA(), {GetInstall().helper}, sv[1], {}, "", err_path);
  close(sv[1]);
  EXPECT_NE(WaitPid(pid, 10000), 0);
  close(sv[0]);
  EXPECT_NE(ReadFile(err_path).find("fd 3 must be an AF_UNIX SOCK_SEQPACKET socket"),
            std::string::npos);
  pid = ns.Spawn(&UserA(), {GetInstall().helper}, -1, {}, "", err_path);
  EXPECT_NE(WaitPid(pid, 10000), 0);
}

TEST(HelperStartup, FirstRequestMustBeHello) {
  Netns ns;
  std::string before = NetDump(ns);
  HelperClient c;
  c.Start(ns, UserA(), GetInstall().helper);
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-early"), &r));
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  EXPECT_NE(r.message().find("Hello"), std::string::npos) << r.message();
  EXPECT_EQ(NetDump(ns), before);
  netd::Request old;
  old.mutable_hello()->set_version(kProtocolVersion + 1);
  ASSERT_TRUE(c.Call(old, &r));
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  EXPECT_TRUE(c.Hello(&r));
  EXPECT_EQ(c.Finish(), 0);  // exits when the peer closes
}

TEST(HelperStartup, HelloReportsUidPoolsAndQuotas) {
  Netns ns;
  HelperClient c;
  netd::Reply r;
  c.Start(ns, UserA(), GetInstall().helper);
  ASSERT_TRUE(c.Hello(&r)) << r.message();
  EXPECT_EQ(r.hello().version(), kProtocolVersion);
  EXPECT_EQ(r.hello().uid(), UserA().uid);
  ASSERT_GE(r.hello().allowed_pools_size(), 1);
  EXPECT_EQ(r.hello().quota().used_bridges(), 0U);
  EXPECT_GT(r.hello().quota().max_bridges(), 0U);
  EXPECT_GT(r.hello().quota().max_taps(), 0U);
}

TEST(HelperStartup, GarbageOversizedAndUnknownRequestsGetErrorReplies) {
  Netns ns;
  std::string before = NetDump(ns);
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(c.CallRaw(std::string("\xff\xff\xff\xff\x0f garbage", 14), &r));
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  ASSERT_TRUE(c.CallRaw(std::string("\x12\x10qc-", 5), &r));  // truncated field
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  // (An empty datagram is end-of-file on SOCK_SEQPACKET; the helper then exits.)
  ASSERT_TRUE(c.CallRaw(std::string("\xa2\x06\x00", 3), &r));  // field 100: unknown op
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  std::string big(kMaxMessageBytes + 100, 'x');  // SendMessage refuses this; send it raw
  ASSERT_EQ(send(c.sock(), big.data(), big.size(), 0), static_cast<ssize_t>(big.size()));
  Received big_reply;
  ASSERT_EQ(ReceiveMessage(c.sock(), &big_reply), 0);
  ASSERT_TRUE(r.ParseFromArray(big_reply.bytes.data(), static_cast<int>(big_reply.bytes.size())));
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  EXPECT_NE(r.message().find("larger"), std::string::npos) << r.message();
  // fds sent to the helper are dropped, not kept
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  netd::Request list = ListOwnedReq();
  std::string bytes;
  list.SerializeToString(&bytes);
  ASSERT_EQ(SendMessage(c.sock(), bytes.data(), bytes.size(), pipefd, 2), 0);
  Received in;
  ASSERT_EQ(ReceiveMessage(c.sock(), &in), 0);
  close(pipefd[0]);
  close(pipefd[1]);
  ASSERT_TRUE(r.ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size())));
  EXPECT_EQ(r.status(), netd::OK);
  EXPECT_TRUE(c.Hello(&r));  // still alive and answering
  EXPECT_EQ(NetDump(ns), before);
  EXPECT_EQ(c.Finish(), 0);
}

TEST(HelperStartup, RequestLoopIsConfinedAndKeepsOnlyNetAdmin) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());  // the loop is running once Hello is answered
  EXPECT_EQ(StatusField(c.pid(), "Seccomp"), "2");
  EXPECT_EQ(StatusField(c.pid(), "NoNewPrivs"), "1");
  EXPECT_EQ(StatusField(c.pid(), "CapEff"), "0000000000001000");  // CAP_NET_ADMIN (12)
  EXPECT_EQ(StatusField(c.pid(), "CapPrm"), "0000000000001000");
  EXPECT_EQ(StatusField(c.pid(), "CapInh"), "0000000000000000");
  EXPECT_EQ(StatusField(c.pid(), "CapAmb"), "0000000000000000");
  std::string uid_line = StatusField(c.pid(), "Uid");
  EXPECT_EQ(uid_line.substr(0, uid_line.find('\t')), std::to_string(UserA().uid));
  // The environment was cleared (and scrubbed) before the first request.
  std::string env = ReadFile("/proc/" + std::to_string(c.pid()) + "/environ");
  EXPECT_EQ(env.find("HOME="), std::string::npos);
  EXPECT_EQ(env.find("PATH="), std::string::npos);
}

}  // namespace
}  // namespace qc::itest
