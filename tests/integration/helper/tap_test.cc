// TAPs: fds that carry frames onto the bridge, ownership, lifetime.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "helper_test_util.h"
#include "seqpacket.h"

namespace qc::itest {
namespace {

constexpr std::uint16_t kTestEtherType = 0x88b5;  // IEEE local experimental

// An AF_PACKET socket bound to `ifname` inside ns (made by a child that
// joins the namespace and passes the fd back).
int PacketSocketIn(const Netns& ns, const std::string& ifname) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    int nsfd = open(("/run/netns/" + ns.name()).c_str(), O_RDONLY);
    if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0) _exit(1);
    int s = socket(AF_PACKET, SOCK_RAW, htons(kTestEtherType));
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(kTestEtherType);
    sll.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&sll), sizeof(sll)) != 0) _exit(2);
    _exit(SendMessage(sv[1], "s", 1, &s, 1) == 0 ? 0 : 3);
  }
  close(sv[1]);
  Received in;
  int rc = ReceiveMessage(sv[0], &in);
  close(sv[0]);
  waitpid(pid, nullptr, 0);
  return rc == 0 && in.fds.size() == 1 ? in.fds[0] : -1;
}

TEST(HelperTap, FdCarriesFramesOntoTheBridgeAndTapDiesWithIt) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-tapbr"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  std::vector<int> fds;
  ASSERT_TRUE(c.Call(CreateTapReq("tap-vm1", "qc-tapbr"), &r, &fds));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_EQ(r.tap().queues(), 1U);
  ASSERT_EQ(fds.size(), 1U);
  CmdResult link = ns.Run("ip -d link show tap-vm1");
  EXPECT_NE(link.out.find("master qc-tapbr"), std::string::npos) << link.out;
  EXPECT_NE(link.out.find("alias qemu-compose:uid=" + std::to_string(UserA().uid)),
            std::string::npos);
  EXPECT_EQ(ns.Run("cat /sys/class/net/tap-vm1/owner").out, std::to_string(UserA().uid) + "\n");
  EXPECT_EQ(ns.Run("cat /sys/class/net/tap-vm1/tun_flags").out, "0x5002\n");  // TAP|NO_PI|VNET_HDR

  int ps = PacketSocketIn(ns, "qc-tapbr");
  ASSERT_GE(ps, 0);
  timeval tv{10, 0};  // an upper bound only; the frame normally arrives at once
  setsockopt(ps, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  unsigned char frame[10 + 14 + 16] = {};  // virtio_net_hdr (all zero) + Ethernet
  unsigned char* eth = frame + 10;
  std::memset(eth, 0xff, 6);
  const unsigned char src[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  std::memcpy(eth + 6, src, 6);
  eth[12] = kTestEtherType >> 8;
  eth[13] = kTestEtherType & 0xff;
  std::memcpy(eth + 14, "qc-frame-test", 13);
  ASSERT_EQ(write(fds[0], frame, sizeof(frame)), static_cast<ssize_t>(sizeof(frame)));
  unsigned char got[256];
  ssize_t n = recv(ps, got, sizeof(got), 0);
  ASSERT_GE(n, 14 + 13);
  EXPECT_EQ(std::memcmp(got + 6, src, 6), 0);
  EXPECT_EQ(std::memcmp(got + 14, "qc-frame-test", 13), 0);
  close(ps);

  ASSERT_TRUE(c.Call(CreateTapReq("tap-vm1", "qc-tapbr"), &r));  // in use
  EXPECT_EQ(r.status(), netd::CONFLICT);
  close(fds[0]);
  EXPECT_NE(ns.Run("ip link show tap-vm1").exit_code, 0);  // non-persistent
  ASSERT_TRUE(c.Call(DeleteTapReq("tap-vm1"), &r));
  EXPECT_EQ(r.status(), netd::OK);
  EXPECT_TRUE(r.already_existed());
}

TEST(HelperTap, MultiQueueTapGetsOneFdPerQueue) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-mq"), &r));
  std::vector<int> fds;
  ASSERT_TRUE(c.Call(CreateTapReq("tap-mq", "qc-mq", 4), &r, &fds));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_EQ(fds.size(), 4U);
  for (int fd : fds) close(fd);
  ASSERT_TRUE(c.Call(CreateTapReq("tap-many", "qc-mq", 17), &r));
  EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT);
}

TEST(HelperTap, RefusesBadNamesForeignTapsAndOtherUsersTaps) {
  Netns ns;
  ASSERT_EQ(
      ns.Run("ip tuntap add dev tap-root mode tap && ip link add qc-rootbr type bridge").exit_code,
      0);
  HelperClient a;
  HelperClient b;
  StartHello(&a, ns, UserA());
  StartHello(&b, ns, UserB());
  netd::Reply r;
  ASSERT_TRUE(a.Call(CreateBridgeReq("qc-tapa"), &r));
  std::vector<int> fds;
  ASSERT_TRUE(a.Call(CreateTapReq("tap-a", "qc-tapa"), &r, &fds));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  std::string before = NetDump(ns);
  for (const std::string& name : {std::string("tap-"), std::string("tap-abcdefghijkl"),
                                  std::string("tap-A"), std::string("eth0"), std::string("qc-x")}) {
    ASSERT_TRUE(a.Call(CreateTapReq(name, "qc-tapa"), &r));
    EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << name;
    ASSERT_TRUE(a.Call(DeleteTapReq(name), &r));
    EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << name;
  }
  // A root-made persistent TAP of the same name is never attached to or deleted.
  ASSERT_TRUE(a.Call(CreateTapReq("tap-root", "qc-tapa"), &r));
  EXPECT_EQ(r.status(), netd::CONFLICT) << r.message();
  ASSERT_TRUE(a.Call(DeleteTapReq("tap-root"), &r));
  EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << r.message();
  ASSERT_TRUE(b.Call(DeleteTapReq("tap-a"), &r));
  EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << r.message();
  ASSERT_TRUE(a.Call(CreateTapReq("tap-b", "qc-rootbr"), &r));
  EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << r.message();
  EXPECT_EQ(NetDump(ns), before);
  // The owner can delete its leftover.
  ASSERT_TRUE(a.Call(DeleteTapReq("tap-a"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  close(fds[0]);
}

// CreateTap answers with the status its errno means, not CONFLICT for every
// failure: /dev/net/tun closed to the user (EACCES) is PERMISSION_DENIED, a
// device that is no TUN driver (TUNSETIFF: ENOTTY) INTERNAL, a taken name
// CONFLICT. The helper runs as the user as always, in a mount namespace of its
// own where /dev/net/tun is replaced by a bind mount.
TEST(HelperTap, FailureStatusFollowsTheErrno) {
  Netns ns;
  const User& a = UserA();
  const std::string closed = ScratchDir(a) + "/closed-tun";
  ASSERT_EQ(ns.Run("touch " + closed + " && chmod 000 " + closed).exit_code, 0);
  struct Case {
    std::string tun;  // bind-mounted over /dev/net/tun, "" = the real one
    netd::Status status;
    std::string says;
  };
  for (const Case& c : {Case{closed, netd::PERMISSION_DENIED, "Permission denied"},
                        Case{"/dev/null", netd::INTERNAL, "Inappropriate ioctl"},
                        Case{"", netd::CONFLICT, "already exists"}}) {
    SCOPED_TRACE(c.tun);
    const std::string mount = c.tun.empty() ? "" : "mount --bind \"$0\" /dev/net/tun && ";
    HelperClient h;
    h.StartCommand(ns, nullptr,
                   {"unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                    mount + "exec setpriv --reuid=" + std::to_string(a.uid) +
                        " --regid=" + std::to_string(a.gid) + " --init-groups \"$1\"",
                    c.tun, GetInstall().helper});
    netd::Reply r;
    ASSERT_TRUE(h.Hello(&r)) << r.message();
    ASSERT_TRUE(h.Call(CreateBridgeReq("qc-errno"), &r));
    ASSERT_EQ(r.status(), netd::OK) << r.message();
    if (c.tun.empty()) {
      ASSERT_EQ(ns.Run("ip tuntap add dev tap-errno mode tap").exit_code, 0);
    }
    ASSERT_TRUE(h.Call(CreateTapReq("tap-errno", "qc-errno"), &r));
    EXPECT_EQ(r.status(), c.status) << r.message();
    EXPECT_NE(r.message().find(c.says), std::string::npos) << r.message();
    if (c.tun.empty()) {
      ASSERT_EQ(ns.Run("ip tuntap del dev tap-errno mode tap").exit_code, 0);
    } else {
      EXPECT_NE(ns.Run("ip link show tap-errno").exit_code, 0) << "no TAP is left behind";
    }
  }
}

}  // namespace
}  // namespace qc::itest
