// The administrator's policy file: who may use the helper, pools, quotas.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "helper_test_util.h"

namespace qc::itest {
namespace {

constexpr char kDir[] = "/tmp/qc-it-helper-policy";

class HelperPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = kDir;
    ASSERT_EQ(
        system(("rm -rf " + dir + " && mkdir -m 0755 " + dir + " && cp " QC_TESTPOLICY_HELPER " " +
                dir + "/helper && setcap cap_net_admin,cap_net_bind_service+ep " + dir + "/helper")
                   .c_str()),
        0);
  }
  void TearDown() override { system((std::string("rm -rf ") + kDir).c_str()); }

  static void WritePolicy(const std::string& text, mode_t mode = 0644) {
    std::string path = std::string(kDir) + "/netd.conf";
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
  }
  static std::string Helper() { return std::string(kDir) + "/helper"; }
};

TEST_F(HelperPolicy, QuotasAndPoolsFromThePolicyAreEnforced) {
  WritePolicy("pool = 10.77.0.0/16\nmax_bridges = 1\nmax_taps = 1\n");
  Netns ns;
  HelperClient c;
  c.Start(ns, UserA(), Helper());
  netd::Reply r;
  ASSERT_TRUE(c.Hello(&r)) << r.message();
  ASSERT_EQ(r.hello().allowed_pools_size(), 1);
  EXPECT_EQ(r.hello().allowed_pools(0), "10.77.0.0/16");
  EXPECT_EQ(r.hello().quota().max_bridges(), 1U);
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-q1"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  std::string before = NetDump(ns);
  ASSERT_TRUE(c.Call(CreateBridgeReq("qc-q2"), &r));
  EXPECT_EQ(r.status(), netd::QUOTA_EXCEEDED) << r.message();
  ASSERT_TRUE(c.Call(AddAddressReq("qc-q1", "172.16.1.1/24"), &r));
  EXPECT_EQ(r.status(), netd::PERMISSION_DENIED) << r.message();
  EXPECT_EQ(NetDump(ns), before);
  ASSERT_TRUE(c.Call(AddAddressReq("qc-q1", "10.77.3.1/24"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
  std::vector<int> fds;
  ASSERT_TRUE(c.Call(CreateTapReq("tap-q1", "qc-q1"), &r, &fds));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(c.Call(CreateTapReq("tap-q2", "qc-q1"), &r));
  EXPECT_EQ(r.status(), netd::QUOTA_EXCEEDED) << r.message();
  for (int fd : fds) close(fd);
  // The quota is per user: B still has its own.
  HelperClient b;
  b.Start(ns, UserB(), Helper());
  ASSERT_TRUE(b.Hello(&r));
  ASSERT_TRUE(b.Call(CreateBridgeReq("qc-qb"), &r));
  EXPECT_EQ(r.status(), netd::OK) << r.message();
}

TEST_F(HelperPolicy, UsersNotAllowedAreRefusedAtStart) {
  WritePolicy("allow_users = " + UserA().name + "\n");
  Netns ns;
  HelperClient a;
  a.Start(ns, UserA(), Helper());
  EXPECT_TRUE(a.Hello());
  std::string err = ScratchDir(UserB()) + "/stderr";
  HelperClient b;
  b.Start(ns, UserB(), Helper(), err);
  netd::Reply r;
  EXPECT_FALSE(b.Call(ListOwnedReq(), &r));
  EXPECT_NE(b.Finish(), 0);
  EXPECT_NE(ReadFile(err).find("is not allowed to use qc-netd-helper"), std::string::npos)
      << ReadFile(err);
}

TEST_F(HelperPolicy, WritablePolicyFileIsRefused) {
  WritePolicy("max_bridges = 100\n", 0666);
  Netns ns;
  std::string err = ScratchDir(UserA()) + "/stderr";
  HelperClient a;
  a.Start(ns, UserA(), Helper(), err);
  EXPECT_FALSE(a.Hello());
  EXPECT_NE(a.Finish(), 0);
  EXPECT_NE(ReadFile(err).find("must be owned by root and not group- or world-writable"),
            std::string::npos)
      << ReadFile(err);
  WritePolicy("max_bridges = many\n");
  HelperClient c;
  c.Start(ns, UserA(), Helper(), err);
  EXPECT_FALSE(c.Hello());
  EXPECT_NE(c.Finish(), 0);
  EXPECT_NE(ReadFile(err).find("line 1: max_bridges needs a number"), std::string::npos)
      << ReadFile(err);
}

// `subnet: auto` takes its /24 from the pools the helper reports, not from a
// built-in 172.16.0.0/12 the administrator has replaced; when the pools are
// full, `up` says which pools it tried, and `doctor` lists them.
TEST_F(HelperPolicy, AutoSubnetComesFromTheAdministratorsPools) {
  WritePolicy("pool = 10.200.0.0/16\n");
  Netns ns;
  const Install& in = GetInstall();
  const std::string dir = ScratchDir(UserA());
  const std::string yaml = "name: pools\nvms:\n  vm1:\n    kernel: " + in.guest_kernel +
                           "\n    initrd: " + in.guest_initrd +
                           "\n    cmdline: console=ttyS0 quiet panic=-1 qc.hostname=vm1\n"
                           "    accel: tcg\n    memory: 128M\n    networks: [lan]\n"
                           "networks:\n  lan:\n    subnet: auto\n";
  ASSERT_EQ(
      ns.RunAs(UserA(), "cat > " + dir + "/qemu-compose.yaml <<'EOF'\n" + yaml + "EOF\n").exit_code,
      0);
  const std::vector<std::string> env = {"QEMU_COMPOSE_HELPER=" + Helper()};
  auto qc = [&](const std::string& args) {
    return ns.RunWithTimeout(&UserA(), "cd " + dir + " && " + in.frontend + " " + args, 120000,
                             env);
  };
  CmdResult up = qc("up");
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE(ReadFile(dir + "/.qemu-compose/networks.json").find("\"10.200.0.0/24\""),
            std::string::npos)
      << ReadFile(dir + "/.qemu-compose/networks.json");
  EXPECT_NE(ns.Run("ip -4 -o addr show").out.find("inet 10.200.0.1/24"), std::string::npos)
      << ns.Run("ip -4 -o addr show").out;
  CmdResult down = qc("down --force");
  EXPECT_EQ(down.exit_code, 0) << down.out << down.err;

  // The host now routes the whole pool elsewhere: nothing is free in it.
  ASSERT_EQ(ns.Run("ip link add veth-h type veth peer name veth-p && ip link set veth-h up && "
                   "ip route add 10.200.0.0/16 dev veth-h")
                .exit_code,
            0);
  up = qc("up");
  EXPECT_NE(up.exit_code, 0);
  EXPECT_NE(up.err.find("no free /24 left in the allowed pools (10.200.0.0/16;"), std::string::npos)
      << up.err;
  qc("down --force");
  CmdResult doctor = qc("doctor");
  EXPECT_NE(doctor.out.find("pools 10.200.0.0/16"), std::string::npos) << doctor.out;
}

}  // namespace
}  // namespace qc::itest
