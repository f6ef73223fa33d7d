// Protocol abuse: requests out of order, truncated, oversized, empty,
// random and mutated bytes, crafted encodings, a long session, fds sent to
// the helper, a peer that never reads or leaves mid-request, and fd 3 that
// is not the socket it must be. The helper answers every datagram, keeps its
// resources bounded and never crashes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <random>

#include "hostile_util.h"
#include "seqpacket.h"

namespace qc::itest {
namespace {

std::string Bytes(const netd::Request& req) {
  std::string s;
  req.SerializeToString(&s);
  return s;
}

// One reply to raw bytes; status STATUS_UNSPECIFIED (0) if none came.
netd::Reply Raw(HelperClient* c, const std::string& bytes) {
  netd::Reply r;
  if (!c->CallRaw(bytes, &r)) {
    r.set_status(netd::STATUS_UNSPECIFIED);
    r.set_message("no reply");
  }
  return r;
}

// Reads one reply; false if none came or it does not decode. Any fds that
// came with it are closed and counted in *nfds.
bool ReadReply(int sock, netd::Reply* r, std::size_t* nfds = nullptr) {
  Received in;
  if (ReceiveMessage(sock, &in) != 0 || in.eof) {
    return false;
  }
  for (int fd : in.fds) {
    close(fd);
  }
  if (nfds != nullptr) {
    *nfds = in.fds.size();
  }
  return r->ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()));
}

// A helper whose policy allows no bridge and no TAP: whatever the bytes
// decode to, nothing in the namespace can change.
class HostileProtocolZeroQuota : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = std::make_unique<PolicyHelper>();
    policy_->WritePolicy("max_bridges = 0\nmax_taps = 0\nmax_dnsmasq = 0\n");
  }
  std::unique_ptr<PolicyHelper> policy_;
};

TEST(HostileProtocol, EveryOperationBeforeHelloIsRefused) {
  Netns ns;
  std::string before = NetDump(ns);
  HelperClient c;
  c.Start(ns, UserA(), GetInstall().helper);
  for (const netd::Request& req :
       {CreateBridgeReq("qc-early"), DeleteBridgeReq("qc-early"),
        AddAddressReq("qc-early", "172.16.3.1/24"), CreateTapReq("tap-early", "qc-early"),
        DeleteTapReq("tap-early"), SetForwardingReq(), EnableNatReq("qc-early"),
        DisableNatReq("qc-early"), StartDhcpReq("qc-early", "/tmp", "e.test"), ListOwnedReq()}) {
    EXPECT_EQ(ExpectReply(&c, req, netd::PROTOCOL_ERROR, "the first request must be Hello"), "")
        << req.op_case();
  }
  EXPECT_EQ(ns.Run("cat /proc/sys/net/ipv4/ip_forward").out, "0\n");
  EXPECT_EQ(NetDump(ns), before);
  // Hello twice is harmless; then the session works.
  EXPECT_TRUE(c.Hello());
  EXPECT_TRUE(c.Hello());
  EXPECT_EQ(ExpectReply(&c, ListOwnedReq(), netd::OK, "0 owned links"), "");
  EXPECT_EQ(c.Finish(), 0);
}

TEST(HostileProtocol, OutOfOrderRequestsAreRefusedWithTheMissingStep) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  std::string before = NetDump(ns);
  EXPECT_EQ(ExpectReply(&c, CreateTapReq("tap-o", "qc-order"), netd::NOT_FOUND,
                        "bridge qc-order does not exist"),
            "");
  EXPECT_EQ(ExpectReply(&c, AddAddressReq("qc-order", "172.16.3.1/24"), netd::NOT_FOUND,
                        "bridge qc-order does not exist"),
            "");
  EXPECT_EQ(ExpectReply(&c, EnableNatReq("qc-order"), netd::NOT_FOUND, "does not exist"), "");
  EXPECT_EQ(ExpectReply(&c, StartDhcpReq("qc-order", ScratchDir(UserA()), "o.test"),
                        netd::NOT_FOUND, "does not exist"),
            "");
  EXPECT_EQ(NetDump(ns), before);
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-order"), &r));
  before = NetDump(ns);
  for (const netd::Request& req :
       {EnableNatReq("qc-order"), StartDhcpReq("qc-order", ScratchDir(UserA()), "o.test")}) {
    EXPECT_EQ(ExpectReply(&c, req, netd::INVALID_ARGUMENT, "send AddAddress first"), "");
  }
  EXPECT_EQ(NetDump(ns), before);
}

TEST(HostileProtocol, TruncatedCraftedAndOversizedDatagramsGetProtocolErrors) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  std::string before = NetDump(ns);
  int truncations = 0;
  for (const netd::Request& req :
       {CreateBridgeReq("qc-trunc"), AddAddressReq("qc-trunc", "172.16.3.1/24"),
        CreateTapReq("tap-trunc", "qc-trunc", 2), StartDhcpReq("qc-trunc", "/tmp/x", "t.test")}) {
    std::string full = Bytes(req);
    for (std::size_t len = 1; len < full.size(); ++len) {
      netd::Reply r = Raw(&c, full.substr(0, len));
      EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR) << len << "/" << full.size();
      EXPECT_EQ(r.message(), "undecodable request");
      ++truncations;
    }
  }
  EXPECT_GT(truncations, 50);
  // A nested op sent with the wrong wire type is an unknown field: no op.
  EXPECT_EQ(Raw(&c, std::string("\x10\x05", 2)).message(), "empty or unknown request");
  // Unknown fields inside a known op are ignored (proto3); the op still runs.
  std::string hello_plus = Bytes([] {
    netd::Request h;
    h.mutable_hello()->set_version(kProtocolVersion);
    return h;
  }());
  hello_plus[1] = static_cast<char>(hello_plus[1] + 3);
  hello_plus += std::string("\xf8\x06\x01", 3);  // field 111, varint 1
  EXPECT_EQ(Raw(&c, hello_plus).status(), netd::OK);
  // Two ops in one message: protobuf keeps the last one only.
  EXPECT_TRUE(Raw(&c, Bytes(CreateBridgeReq("qc-first")) + Bytes(DeleteBridgeReq("qc-second")))
                  .already_existed());
  // 5,000 nested groups: past protobuf's recursion limit, refused, no stack overflow.
  std::string nested;
  for (int i = 0; i < 5000; ++i) {
    nested += "\xa3\x06";  // start group, field 100
  }
  EXPECT_EQ(Raw(&c, nested).status(), netd::PROTOCOL_ERROR);
  // A datagram just over the cap, carrying a well-formed request.
  std::string huge = Bytes(CreateBridgeReq("qc-" + std::string(kMaxMessageBytes, 'a')));
  ASSERT_EQ(send(c.sock(), huge.data(), huge.size(), 0), static_cast<ssize_t>(huge.size()));
  netd::Reply r;
  ASSERT_TRUE(ReadReply(c.sock(), &r));
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  EXPECT_NE(r.message().find("larger than 16384 bytes"), std::string::npos) << r.message();
  // Just under the cap: decoded, and the over-long name is refused by name.
  std::string big_name = "qc-" + std::string(kMaxMessageBytes - 40, 'b');
  netd::Reply named = Raw(&c, Bytes(CreateBridgeReq(big_name)));
  EXPECT_EQ(named.status(), netd::INVALID_ARGUMENT) << named.message().substr(0, 200);
  EXPECT_NE(named.message().find("invalid bridge name"), std::string::npos)
      << named.message().substr(0, 200);
  EXPECT_EQ(NetDump(ns), before);
  EXPECT_TRUE(c.Hello());
  EXPECT_EQ(c.Finish(), 0);
}

TEST(HostileProtocol, ZeroLengthDatagramEndsTheSessionCleanly) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  // On SOCK_SEQPACKET an empty datagram reads like end-of-file: the helper
  // takes it as the peer leaving and exits normally.
  ASSERT_EQ(send(c.sock(), "", 0, 0), 0);
  EXPECT_EQ(WaitPid(c.pid(), 20000), 0);
}

TEST_F(HostileProtocolZeroQuota, SeededRandomAndMutatedDatagramsAllGetRepliesAndChangeNothing) {
  Netns ns;
  std::string before = NetDump(ns);
  HelperClient c;
  c.Start(ns, UserA(), policy_->path());
  std::mt19937 rng(20261127);
  auto random_bytes = [&](std::size_t n) {
    std::string s(n, '\0');
    for (char& ch : s) {
      ch = static_cast<char>(rng() & 0xff);
    }
    return s;
  };
  // Before Hello, then after it: random datagrams of 1..600 bytes.
  int replies = 0;
  for (int i = 0; i < 3000; ++i) {
    if (i == 500) {
      ASSERT_TRUE(c.Hello());
    }
    netd::Reply r = Raw(&c, random_bytes(1 + rng() % 600));
    ASSERT_NE(r.status(), netd::STATUS_UNSPECIFIED) << "datagram " << i << ": " << r.message();
    EXPECT_FALSE(r.message().empty());
    ++replies;
  }
  // Valid requests with 1-4 bytes overwritten or inserted, to reach the handlers.
  const std::vector<std::string> seeds = {
      Bytes(CreateBridgeReq("qc-mut")),
      Bytes(AddAddressReq("qc-mut", "172.16.3.1/24")),
      Bytes(CreateTapReq("tap-mut", "qc-mut", 4)),
      Bytes(DeleteTapReq("tap-mut")),
      Bytes(EnableNatReq("qc-mut")),
      Bytes(StartDhcpReq("qc-mut", "/tmp/mut", "m.test")),
      Bytes(ListOwnedReq()),
  };
  for (int i = 0; i < 3000; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng() % s.size();
      if (rng() % 4 == 0) {
        s.insert(at, 1, static_cast<char>(rng() & 0xff));
      } else {
        s[at] = static_cast<char>(rng() & 0xff);
      }
    }
    netd::Reply r = Raw(&c, s);
    ASSERT_NE(r.status(), netd::STATUS_UNSPECIFIED) << "mutant " << i << ": " << r.message();
    ++replies;
  }
  EXPECT_EQ(replies, 6000);
  EXPECT_EQ(NetDump(ns), before);
  EXPECT_TRUE(c.Hello());
  EXPECT_EQ(c.Finish(), 0);  // never a SIGSEGV or SIGSYS
}

TEST(HostileProtocol, TenThousandRequestsKeepFdsAndMemoryBounded) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-long"), &r));
  ASSERT_TRUE(c.Call(AddAddressReq("qc-long", "172.16.3.1/24"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  const std::vector<netd::Request> mix = {ListOwnedReq(),
                                          CreateBridgeReq("qc-long"),
                                          AddAddressReq("qc-long", "172.16.3.1/24"),
                                          DeleteTapReq("tap-none"),
                                          CreateBridgeReq("qc-BAD"),
                                          AddAddressReq("qc-long", "10.0.0.1/8"),
                                          DeleteBridgeReq("qc-none"),
                                          CreateTapReq("tap-x", "qc-none")};
  auto run = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const netd::Request& req = mix[static_cast<std::size_t>(i) % mix.size()];
      if (!c.Call(req, &r) || r.status() == netd::STATUS_UNSPECIFIED) {
        return false;
      }
    }
    return true;
  };
  ASSERT_TRUE(run(500));  // warm up the allocator
  // TAPs made and dropped: every fd the helper passes must also be closed there.
  auto tap_cycles = [&](const std::string& prefix) {
    for (int i = 0; i < 100; ++i) {
      std::vector<int> fds;
      if (!c.Call(CreateTapReq(prefix + std::to_string(i), "qc-long", 1 + i % 4), &r, &fds) ||
          r.status() != netd::OK) {
        return false;
      }
      for (int fd : fds) {
        close(fd);
      }
    }
    return true;
  };
  ASSERT_TRUE(tap_cycles("tap-c")) << r.message();
  // One more round trip: the helper closes a reply's fds after sending it.
  ASSERT_TRUE(c.Call(ListOwnedReq(), &r));
  int fds_before = FdCount(c.pid());
  long rss_before = RssKb(c.pid());
  ASSERT_TRUE(run(10000));
  ASSERT_TRUE(tap_cycles("tap-d")) << r.message();
  ASSERT_TRUE(c.Call(ListOwnedReq(), &r));
  int fds_after = FdCount(c.pid());
  long rss_after = RssKb(c.pid());
  std::printf("helper after 10,000 requests + 200 TAPs: fds %d -> %d, VmRSS %ld -> %ld kB\n",
              fds_before, fds_after, rss_before, rss_after);
  EXPECT_GT(fds_before, 0);
  EXPECT_EQ(fds_after, fds_before);
  EXPECT_LT(rss_after, rss_before + 2048);
  EXPECT_TRUE(c.Hello());
  EXPECT_EQ(c.Finish(), 0);
}

TEST(HostileProtocol, FdsSentToTheHelperAreClosedNotKept) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  int fds_before = FdCount(c.pid());
  std::string list = Bytes(ListOwnedReq());
  for (int round = 0; round < 50; ++round) {
    int fds[kMaxFdsPerMessage];
    for (std::size_t i = 0; i < kMaxFdsPerMessage; ++i) {
      fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    ASSERT_EQ(SendMessage(c.sock(), list.data(), list.size(), fds, kMaxFdsPerMessage), 0);
    for (int fd : fds) {
      close(fd);
    }
    netd::Reply r;
    std::size_t fds_back = 1;
    ASSERT_TRUE(ReadReply(c.sock(), &r, &fds_back));
    EXPECT_EQ(r.status(), netd::OK);
    EXPECT_EQ(fds_back, 0U);
  }
  EXPECT_EQ(FdCount(c.pid()), fds_before);
  // Proof the helper closed its copy: the pipe's reader sees end-of-file once
  // the only other writer (the helper's received copy) is gone.
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  ASSERT_EQ(SendMessage(c.sock(), list.data(), list.size(), &p[1], 1), 0);
  close(p[1]);
  netd::Reply r;
  ASSERT_TRUE(ReadReply(c.sock(), &r));
  char ch;
  EXPECT_EQ(read(p[0], &ch, 1), 0);
  close(p[0]);
  // fds with an empty payload: not end-of-file, an empty request.
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(SendMessage(c.sock(), "", 0, &null_fd, 1), 0);
  close(null_fd);
  ASSERT_TRUE(ReadReply(c.sock(), &r));
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR);
  // More fds than the helper accepts: the datagram counts as oversized.
  int many[kMaxFdsPerMessage + 8];
  for (int& fd : many) {
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(many))] = {};
  iovec iov{list.data(), list.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(many));
  std::memcpy(CMSG_DATA(cm), many, sizeof(many));
  ASSERT_EQ(sendmsg(c.sock(), &msg, 0), static_cast<ssize_t>(list.size()));
  for (int fd : many) {
    close(fd);
  }
  ASSERT_TRUE(ReadReply(c.sock(), &r));
  EXPECT_EQ(r.status(), netd::PROTOCOL_ERROR) << r.message();
  EXPECT_EQ(FdCount(c.pid()), fds_before);
  EXPECT_TRUE(c.Hello());
  EXPECT_EQ(c.Finish(), 0);
}

TEST(HostileProtocol, PeerThatNeverReadsBlocksOnlyItselfAndTheHelperExitsWhenItLeaves) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  long rss_start = RssKb(c.pid());
  std::string list = Bytes(ListOwnedReq());
  int sent = 0;
  // Queue requests without reading a reply until the socket pushes back.
  while (sent < 200000 && send(c.sock(), list.data(), list.size(), MSG_DONTWAIT) > 0) {
    ++sent;
  }
  ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
  ASSERT_LT(sent, 200000);
  // The helper is now blocked writing a reply: its memory does not grow.
  EXPECT_TRUE(WaitFor([&] { return StatusField(c.pid(), "State").starts_with("S"); }, 20000));
  long rss_blocked = RssKb(c.pid());
  std::printf("peer never reads: %d requests queued, helper VmRSS %ld -> %ld kB\n", sent, rss_start,
              rss_blocked);
  EXPECT_LT(rss_blocked, rss_start + 2048);
  EXPECT_TRUE(Alive(c.pid()));
  int code = c.Finish();  // closing the socket unblocks the helper, which leaves
  EXPECT_GE(code, 0) << "killed by signal " << -code;
  EXPECT_NE(code, INT_MIN) << "still running 10 s after the peer left";
}

TEST(HostileProtocol, PeerLeavingMidRequestLeavesNoTapAndNoCrash) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&c, "qc-mid"));
  std::string tap = Bytes(CreateTapReq("tap-mid", "qc-mid", 4));
  ASSERT_EQ(SendMessage(c.sock(), tap.data(), tap.size()), 0);
  int code = c.Finish();  // gone before the reply with the TAP fds
  EXPECT_GE(code, 0) << "killed by signal " << -code;
  EXPECT_NE(code, INT_MIN);
  // The fds the helper could not deliver were closed, so the TAP is gone.
  EXPECT_TRUE(WaitFor([&] { return ns.Run("ip link show tap-mid").exit_code != 0; }, 20000));
  EXPECT_EQ(ns.Run("ip -o link show type tun").out, "");
  // A new session of the same user still works and owns the bridge.
  HelperClient again;
  StartHello(&again, ns, UserA());
  EXPECT_EQ(ExpectReply(&again, CreateBridgeReq("qc-mid"), netd::OK, "already exists"), "");
}

TEST(HostileProtocol, Fd3ThatIsNotASeqpacketSocketIsRefused) {
  Netns ns;
  std::string before = NetDump(ns);
  std::string dir_path = ScratchDir(UserA());
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  int dgram[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dgram), 0);
  int stream[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, stream), 0);
  int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int file = open("/dev/null", O_RDWR | O_CLOEXEC);
  int dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int n = 0;
  for (int fd3 : {p[0], p[1], dgram[1], stream[1], udp, file, dir}) {
    std::string err_path = dir_path + "/stderr" + std::to_string(n++);
    pid_t pid = ns.Spawn(&UserA(), {GetInstall().helper}, fd3, {}, "", err_path);
    EXPECT_EQ(WaitPid(pid, 20000), 2) << "fd " << fd3;
    EXPECT_NE(ReadFile(err_path).find("fd 3 must be an AF_UNIX SOCK_SEQPACKET socket"),
              std::string::npos)
        << ReadFile(err_path);
  }
  for (int fd : {p[0], p[1], dgram[0], dgram[1], stream[0], stream[1], udp, file, dir}) {
    close(fd);
  }
  EXPECT_EQ(NetDump(ns), before);
}

// Issue 12 (5): a reply that echoes a huge caller-supplied string used to be
// cut at its byte limit in the middle of a UTF-8 sequence, which is not a
// valid proto3 string, so the project's own client could not decode it. Now
// every reply decodes, and shows what the caller sent escaped, never raw.
TEST(HostileProtocol, RepliesEchoingHugeOrBinaryInputStayDecodableAndEscaped) {
  Netns ns;
  HelperClient a;
  StartHello(&a, ns, UserA());
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&a, "qc-utf"));
  std::string e600;
  for (int i = 0; i < 600; ++i) {
    e600 += "\xc3\xa9";  // é
  }
  const std::string binary("qc-\x7f\x01'\\\n", 8);  // valid UTF-8, not printable
  for (const netd::Request& req :
       {CreateBridgeReq(e600), DeleteBridgeReq(e600), DeleteTapReq(e600),
        CreateTapReq(e600, "qc-utf"), CreateTapReq("tap-utf", e600), AddAddressReq("qc-utf", e600),
        EnableNatReq(e600), StartDhcpReq(e600, "/tmp", "demo.qc")}) {
    netd::Reply r;
    ASSERT_TRUE(a.Call(req, &r)) << "undecodable reply to " << req.op_case();
    EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << r.message();
    EXPECT_NE(r.message().find("'\\xc3\\xa9\\xc3\\xa9"), std::string::npos) << r.message();
    EXPECT_LT(r.message().size(), 400U) << r.message();
    for (const unsigned char c : r.message()) {
      ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte " << int{c} << " in " << r.message();
    }
  }
  netd::Reply r;
  ASSERT_TRUE(a.Call(CreateBridgeReq(binary), &r));
  EXPECT_NE(r.message().find("'qc-\\x7f\\x01\\x27\\x5c\\x0a'"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace qc::itest
