// qc-vmrunner for real: launched with qc::LaunchRunner by the unprivileged
// test user inside a private netns, QEMU under TCG booting the tiny guest.
// TAPs are made the way the helper makes them (non-persistent, attached to a
// qc- bridge) by the test as root, and only their fds reach the user.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness.h"
#include "seqpacket.h"
#include "vmspec.pb.h"

namespace qc::itest {
namespace {

constexpr int kBootTimeoutMs = 180 * 1000;  // TCG on a loaded 2-core machine
constexpr int kToolTimeoutMs = 30 * 1000;
constexpr char kBridge[] = "qc-rt-br";
constexpr char kTap[] = "tap-rt0";

// Creates a non-persistent TAP named `name` inside ns (as root, like the
// helper does) and returns its fd; the TAP lives exactly as long as its fds.
int OpenTapIn(const Netns& ns, const std::string& name, bool multiqueue = false) {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  int target = open(("/run/netns/" + ns.name()).c_str(), O_RDONLY | O_CLOEXEC);
  if (self < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
    ADD_FAILURE() << "cannot enter netns " << ns.name() << ": " << std::strerror(errno);
    return -1;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags =
      static_cast<short>(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (multiqueue ? IFF_MULTI_QUEUE : 0));
  if (fd >= 0 && ioctl(fd, TUNSETIFF, &ifr) != 0) {
    ADD_FAILURE() << "TUNSETIFF " << name << ": " << std::strerror(errno);
    close(fd);
    fd = -1;
  }
  // Back to the test's own namespace; staying inside would be wrong but harmless.
  if (setns(self, CLONE_NEWNET) != 0) {
    std::abort();
  }
  close(self);
  close(target);
  return fd;
}

int CountFdsOpenOn(pid_t pid, const std::string& target) {
  int n = 0;
  std::error_code ec;
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    if (std::filesystem::read_symlink(e.path(), ec) == target) {
      ++n;
    }
  }
  return n;
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // QEMU is double-forked away from the launcher; as subreaper we get it back
    // and can reap it, instead of leaving zombies with an uncaring init.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    dir_ = ScratchDir(UserA());
    vm_dir_ = dir_ + "/vm";
    ASSERT_EQ(ns_.RunAs(UserA(), "mkdir " + vm_dir_).exit_code, 0);
    spec_.set_name("vm");
    spec_.set_project("rt");
    spec_.set_state_root(dir_);
    spec_.set_instance_dir(vm_dir_);
    spec_.set_cpus(1);
    spec_.set_memory_mb(256);
    spec_.set_kernel(GetInstall().guest_kernel);
    spec_.set_initrd(GetInstall().guest_initrd);
    spec_.set_cmdline("console=ttyS0 quiet panic=-1 qc.hostname=vm qc.serve=7777");
  }
  void TearDown() override {
    if (qemu_ > 0) {
      kill(qemu_, SIGKILL);
    }
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }

  void AddBridgeNic() {
    auto* nic = spec_.add_nics();
    nic->set_mac("52:54:00:4e:11:01");
    nic->set_tap_name(kTap);
    nic->set_bridge(kBridge);
    nic->add_tap_fd_index(0);
  }

  // Bridge + dnsmasq + a TAP attached to the bridge; returns the TAP fd.
  int MakeBridgeAndTap(const std::string& bridge_for_tap = kBridge, bool multiqueue = false) {
    CmdResult net = ns_.Run(std::string("set -e\n") + "ip link add " + kBridge +
                            " type bridge\n"
                            "ip addr add 172.30.9.1/24 dev " +
                            kBridge + "\nip link set " + kBridge + " up\n");
    EXPECT_EQ(net.exit_code, 0) << net.err;
    int tap = OpenTapIn(ns_, kTap, multiqueue);
    if (bridge_for_tap != kBridge) {
      EXPECT_EQ(ns_.Run("ip link add " + bridge_for_tap + " type bridge").exit_code, 0);
    }
    CmdResult attach =
        ns_.Run("ip link set " + std::string(kTap) + " master " + bridge_for_tap + " up");
    EXPECT_EQ(attach.exit_code, 0) << attach.err;
    return tap;
  }

  void StartDnsmasq() {
    ns_.Spawn(
        nullptr,
        {"/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
         "--no-hosts", "--no-ping", std::string("--interface=") + kBridge, "--bind-interfaces",
         "--except-interface=lo", "--dhcp-range=172.30.9.10,172.30.9.250,255.255.255.0",
         "--dhcp-leasefile=" + dir_ + "/leases",
         "--pid-file=", "--log-facility=" + dir_ + "/dnsmasq.log"},
        -1, {}, dir_ + "/dnsmasq.out", dir_ + "/dnsmasq.out");
  }

  // LaunchRunner as the user in the netns; tap_fd (if >= 0) is handed over.
  // Returns the tool's stdout ("pid N" or the runner's error).
  CmdResult Launch(const std::vector<int>& tap_fds) {
    std::string spec_file = dir_ + "/spec.bin";
    {
      std::ofstream out(spec_file, std::ios::binary);
      spec_.SerializeToOstream(&out);
    }
    std::vector<std::string> argv = {RUNNER_ITOOL, "launch", GetInstall().runner, spec_file,
                                     vm_dir_ + "/runner.log"};
    // Spawn passes only fd 3: the TAP fds travel to the tool as SCM_RIGHTS
    // on a socket there, queued before it starts.
    int sv[2] = {-1, -1};
    if (!tap_fds.empty()) {
      argv.emplace_back("fds");
      EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
      EXPECT_EQ(qc::SendMessage(sv[0], "t", 1, tap_fds.data(), tap_fds.size()), 0);
    }
    std::string out = dir_ + "/launch.out";
    std::filesystem::remove(out);
    pid_t tool = ns_.Spawn(&UserA(), argv, sv[1], {}, out, dir_ + "/launch.err");
    for (int fd : sv) {
      if (fd >= 0) {
        close(fd);
      }
    }
    CmdResult r{WaitPid(tool, kToolTimeoutMs), ReadFile(out), ReadFile(dir_ + "/launch.err")};
    if (r.out.rfind("pid ", 0) == 0) {
      qemu_ = std::stoi(r.out.substr(4));
    }
    return r;
  }

  CmdResult Stop(int grace_s, bool force) {
    return ns_.RunWithTimeout(&UserA(),
                              std::string(RUNNER_ITOOL) + " stop " + vm_dir_ + "/qmp.sock " +
                                  std::to_string(qemu_) + " " + std::to_string(grace_s) +
                                  (force ? " force" : " graceful"),
                              120 * 1000);
  }

  bool SerialShows(const std::string& marker) {
    return ReadFile(vm_dir_ + "/serial.log").find(marker) != std::string::npos;
  }
  bool WaitForBoot() {
    return WaitFor([&] { return SerialShows("QC-READY"); }, kBootTimeoutMs, 200);
  }
  bool TapExists() { return ns_.Run(std::string("ip link show ") + kTap).exit_code == 0; }

  std::string Diagnostics() {
    return "\n--- runner.log ---\n" + ReadFile(vm_dir_ + "/runner.log") + "\n--- serial.log ---\n" +
           ReadFile(vm_dir_ + "/serial.log");
  }

  Netns ns_;
  std::string dir_;
  std::string vm_dir_;
  qc::vm::VmSpec spec_;
  pid_t qemu_ = -1;
};

TEST_F(RunnerTest, VmOnTapGetsDhcpLeaseAndPowersOffGracefully) {
  int tap = MakeBridgeAndTap();
  ASSERT_GE(tap, 0);
  StartDnsmasq();
  AddBridgeNic();
  CmdResult launch = Launch({tap});
  close(tap);  // from now on only QEMU holds the TAP
  ASSERT_EQ(launch.exit_code, 0) << launch.out << launch.err << Diagnostics();
  ASSERT_GT(qemu_, 0);
  // QEMU runs as the user and holds exactly the one TAP fd it was given.
  struct stat st {};
  ASSERT_EQ(stat(("/proc/" + std::to_string(qemu_)).c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, UserA().uid);
  EXPECT_EQ(CountFdsOpenOn(qemu_, "/dev/net/tun"), 1);
  EXPECT_TRUE(TapExists());

  ASSERT_TRUE(WaitForBoot()) << Diagnostics() << ReadFile(dir_ + "/dnsmasq.log");
  std::vector<std::string> leases = MarkerLines(ReadFile(vm_dir_ + "/serial.log"), "QC-LEASE");
  ASSERT_EQ(leases.size(), 1U) << Diagnostics();
  EXPECT_EQ(FieldOf(leases[0], "mac"), "52:54:00:4e:11:01");
  EXPECT_EQ(FieldOf(leases[0], "router"), "172.30.9.1");
  EXPECT_EQ(FieldOf(leases[0], "ip").rfind("172.30.9.", 0), 0U) << leases[0];

  CmdResult stop = Stop(120, false);
  EXPECT_EQ(stop.exit_code, 0) << stop.out << stop.err;
  EXPECT_EQ(stop.out, "powerdown\n") << Diagnostics();
  EXPECT_TRUE(SerialShows("QC-POWEROFF")) << Diagnostics();
  // QEMU held the last fd of the non-persistent TAP: it went with QEMU.
  EXPECT_TRUE(WaitFor([&] { return !TapExists(); }, 10 * 1000));
}

TEST_F(RunnerTest, MultiqueueTapVmGetsDhcpLease) {
  int tap0 = MakeBridgeAndTap(kBridge, true);
  int tap1 = OpenTapIn(ns_, kTap, true);  // second queue of the same TAP
  ASSERT_GE(tap0, 0);
  ASSERT_GE(tap1, 0);
  StartDnsmasq();
  AddBridgeNic();
  spec_.mutable_nics(0)->add_tap_fd_index(1);
  CmdResult launch = Launch({tap0, tap1});
  close(tap0);
  close(tap1);
  ASSERT_EQ(launch.exit_code, 0) << launch.out << launch.err << Diagnostics();
  EXPECT_EQ(CountFdsOpenOn(qemu_, "/dev/net/tun"), 2);
  EXPECT_NE(ReadFile(vm_dir_ + "/runner.log").find("mq=on,vectors=6"), std::string::npos);
  ASSERT_TRUE(WaitForBoot()) << Diagnostics() << ReadFile(dir_ + "/dnsmasq.log");
  std::vector<std::string> leases = MarkerLines(ReadFile(vm_dir_ + "/serial.log"), "QC-LEASE");
  ASSERT_EQ(leases.size(), 1U) << Diagnostics();
  EXPECT_EQ(FieldOf(leases[0], "ip").rfind("172.30.9.", 0), 0U) << leases[0];
}

TEST_F(RunnerTest, TapDisappearsWhenQemuIsKilled) {
  int tap = MakeBridgeAndTap();
  ASSERT_GE(tap, 0);
  AddBridgeNic();
  CmdResult launch = Launch({tap});
  close(tap);
  ASSERT_EQ(launch.exit_code, 0) << launch.out << launch.err << Diagnostics();
  EXPECT_TRUE(TapExists());
  ASSERT_EQ(kill(qemu_, SIGKILL), 0);
  EXPECT_EQ(WaitPid(qemu_, 30 * 1000), -SIGKILL);
  qemu_ = -1;
  EXPECT_TRUE(WaitFor([&] { return !TapExists(); }, 10 * 1000));
}

TEST_F(RunnerTest, TapOnAnotherBridgeIsRefusedAndNoQemuStarts) {
  int tap = MakeBridgeAndTap("qc-rt-other");
  ASSERT_GE(tap, 0);
  AddBridgeNic();
  CmdResult launch = Launch({tap});
  close(tap);
  EXPECT_EQ(launch.exit_code, 1);
  EXPECT_EQ(launch.out,
            "error: invalid VM spec: nic 0: TAP tap-rt0 is attached to qc-rt-other, but the "
            "spec says bridge qc-rt-br\n");
  EXPECT_EQ(qemu_, -1);
  EXPECT_FALSE(SerialShows("Linux"));
  EXPECT_TRUE(WaitFor([&] { return !TapExists(); }, 10 * 1000));
}

TEST_F(RunnerTest, TapWithAnotherNameIsRefused) {
  int tap = MakeBridgeAndTap();
  ASSERT_GE(tap, 0);
  AddBridgeNic();
  spec_.mutable_nics(0)->set_tap_name("tap-rt9");
  CmdResult launch = Launch({tap});
  close(tap);
  EXPECT_EQ(launch.exit_code, 1);
  EXPECT_EQ(launch.out,
            "error: invalid VM spec: nic 0: fd for tap_fd_index 0 is TAP tap-rt0, but the spec "
            "names tap-rt9\n");
}

TEST_F(RunnerTest, UserModeForwardReachesGuestAndForcedStopQuits) {
  auto* nic = spec_.add_nics();
  nic->set_mac("52:54:00:4e:11:02");
  nic->set_user_mode(true);
  auto* fwd = nic->add_forwards();
  fwd->set_host_port(17778);
  fwd->set_guest_port(7777);
  CmdResult launch = Launch({});
  ASSERT_EQ(launch.exit_code, 0) << launch.out << launch.err << Diagnostics();
  ASSERT_TRUE(WaitForBoot()) << Diagnostics();
  CmdResult hello{1, "", ""};
  bool answered = WaitFor(
      [&] {
        hello = ns_.RunAs(UserA(), "ncat --recv-only -w 5 127.0.0.1 17778 </dev/null");
        return hello.out.find("QC-HELLO") != std::string::npos;
      },
      60 * 1000, 500);
  ASSERT_TRUE(answered) << hello.out << hello.err << Diagnostics();
  EXPECT_EQ(MarkerLines(hello.out, "QC-HELLO").at(0), "QC-HELLO hostname=vm");
  // Bound on loopback only.
  EXPECT_NE(ns_.Run("ss -Htln 'sport = :17778'").out.find("127.0.0.1:17778"), std::string::npos);

  CmdResult stop = Stop(120, true);
  EXPECT_EQ(stop.exit_code, 0) << stop.out << stop.err;
  EXPECT_EQ(stop.out, "quit\n") << Diagnostics();
  EXPECT_FALSE(SerialShows("QC-POWEROFF"));
}

// A host directory over virtiofs (qc-fsd + virtiofsd as the user): the guest
// reads and writes the shared tree, cannot leave it (.., symlinks, hard
// links) and cannot write a read-only share even after remounting it
// read-write in the guest. virtiofsd ends with QEMU.
TEST_F(RunnerTest, VirtiofsShareIsConfinedAndReadOnlyHolds) {
  CmdResult prep = ns_.RunAs(UserA(), "set -e; cd " + dir_ +
                                          "; mkdir share ro; echo hello >share/f;"
                                          " echo TOPSECRET-42 >secret; echo ro-file >ro/f;"
                                          " ln -s ../secret share/rel; ln -s " +
                                          dir_ + "/secret share/abs");
  ASSERT_EQ(prep.exit_code, 0) << prep.err;
  auto* rw = spec_.add_shared_dirs();
  rw->set_source(dir_ + "/share");
  rw->set_tag("qc:share0");
  auto* ro = spec_.add_shared_dirs();
  ro->set_source(dir_ + "/ro");
  ro->set_tag("qc:share1");
  ro->set_readonly(true);
  spec_.set_cmdline(spec_.cmdline() +
                    " qc.virtiofs=qc:share0@/mnt/rw qc.virtiofs=qc:share1@/mnt/ro");
  CmdResult launch = Launch({});
  ASSERT_EQ(launch.exit_code, 0) << launch.out << launch.err << Diagnostics();
  ASSERT_TRUE(WaitForBoot()) << Diagnostics();
  EXPECT_TRUE(SerialShows("QC-MOUNT tag=qc:share0 dir=/mnt/rw ok")) << Diagnostics();
  EXPECT_TRUE(SerialShows("QC-MOUNT tag=qc:share1 dir=/mnt/ro ok")) << Diagnostics();

  // Each check prints R<n>=<n> only when the guest sees what it should; the
  // typed text holds $((...)), so the echo of the input never matches.
  ConsoleWrite(vm_dir_ + "/console.sock",
               "grep -q hello /mnt/rw/f && echo R1=$((0+1))\n"
               "echo guest >/mnt/rw/new && echo R2=$((1+1))\n"
               "echo x >/mnt/ro/new 2>/dev/null || echo R3=$((2+1))\n"
               "mount -o remount,rw /mnt/ro; echo x >/mnt/ro/new 2>/dev/null || echo "
               "R4=$((3+1))\n"
               "cat /mnt/rw/rel 2>/dev/null || echo R5=$((4+1))\n"
               "cat /mnt/rw/abs 2>/dev/null || echo R6=$((5+1))\n"
               "ln /init /mnt/rw/hl 2>/dev/null || echo R7=$((6+1))\n"
               "cat /mnt/rw/../secret 2>/dev/null || echo R8=$((7+1))\n"
               "echo R9=$((8+1))\n");
  ASSERT_TRUE(WaitFor([&] { return SerialShows("R9=9"); }, 60 * 1000, 200)) << Diagnostics();
  for (int i = 1; i <= 8; ++i) {
    const std::string marker = "R" + std::to_string(i) + "=" + std::to_string(i);
    EXPECT_TRUE(SerialShows(marker)) << marker << Diagnostics();
  }
  EXPECT_FALSE(SerialShows("TOPSECRET-42")) << Diagnostics();
  EXPECT_EQ(ReadFile(dir_ + "/share/new"), "guest\n");
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/share/new").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, UserA().uid);  // guest root writes as the user
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/ro/new"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/share/hl"));

  CmdResult stop = Stop(120, true);
  EXPECT_EQ(stop.exit_code, 0) << stop.out << stop.err;
  EXPECT_TRUE(WaitFor(
      [&] {
        // As subreaper the test inherits QEMU's children: reap, or the
        // ended virtiofsd would stay as a zombie that pgrep still lists.
        while (waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        return ns_.Run("pgrep -u " + std::to_string(UserA().uid) + " -f virtiofsd").exit_code != 0;
      },
      10 * 1000, 200))
      << "virtiofsd outlived QEMU";
}

}  // namespace
}  // namespace qc::itest
