// While a one-VM bridge project runs (qemu-compose up as qc-it-a in a private
// netns, QEMU under TCG), every process of the project holds only what
// SECURITY.md lists: QEMU (the runner execs it in place, same pid) has no
// capability, the user's uid, no_new_privs and QEMU's own seccomp sandbox;
// dnsmasq has the user's uid and exactly CAP_NET_ADMIN|CAP_NET_BIND_SERVICE.
// The helper's request loop is checked in helper/startup_test.cc.
#include <gtest/gtest.h>

#include <climits>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"
#include "helper_test_util.h"

namespace qc::itest {
namespace {

constexpr int kCmdTimeoutMs = 180 * 1000;  // up starts QEMU and dnsmasq on a loaded machine
constexpr char kNoCaps[] = "0000000000000000";
constexpr char kDnsmasqCaps[] =
    "0000000000001400";  // CAP_NET_ADMIN (12) | CAP_NET_BIND_SERVICE (10)
constexpr char kSandbox[] =
    "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

std::string ComposeFile() {
  const Install& in = GetInstall();
  return "name: privproj\n"
         "vms:\n"
         "  web:\n"
         "    kernel: " +
         in.guest_kernel + "\n    initrd: " + in.guest_initrd +
         "\n"
         "    cmdline: console=ttyS0 quiet panic=-1 qc.hostname=web\n"
         "    accel: tcg\n"
         "    memory: 128M\n"
         "    stop_grace_period: 1s\n"
         "    networks: [backend]\n"
         "networks:\n"
         "  backend:\n"
         "    driver: bridge\n"
         "    subnet: auto\n";
}

std::vector<std::string> Argv(int pid) {
  const std::string raw = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> argv;
  std::istringstream in(raw);
  for (std::string word; std::getline(in, word, '\0');) {
    argv.push_back(word);
  }
  return argv;
}

std::string ExeName(int pid) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec)
      .filename()
      .string();
}

// pid -> executable name of every live process whose command line points
// into the project's state directory (QEMU's pid file, dnsmasq's files).
std::map<int, std::string> ProjectProcesses(const std::string& state_dir) {
  std::map<int, std::string> found;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const int pid = std::stoi(name);
    if (StatusField(pid, "State").starts_with("Z")) {
      continue;
    }
    for (const std::string& word : Argv(pid)) {
      if (word.find(state_dir) != std::string::npos) {
        found[pid] = ExeName(pid);
        break;
      }
    }
  }
  return found;
}

class Privilege : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ScratchDir(UserA());
    CmdResult w = ns_.RunAs(
        UserA(), "cat > " + dir_ + "/qemu-compose.yaml <<'QC_EOF'\n" + ComposeFile() + "QC_EOF\n");
    ASSERT_EQ(w.exit_code, 0) << w.err;
  }
  void TearDown() override { Qc("down --force"); }
  CmdResult Qc(const std::string& args) {
    return ns_.RunWithTimeout(&UserA(), "cd " + dir_ + " && " + GetInstall().frontend + " " + args,
                              kCmdTimeoutMs);
  }
  std::string Logs() {
    return "\n--- runner.log ---\n" + ReadFile(dir_ + "/.qemu-compose/web/runner.log") +
           "\n--- dnsmasq.log ---\n" +
           ReadFile(dir_ + "/.qemu-compose/dnsmasq/backend/dnsmasq.log");
  }
  // The pids `ps` and networks.json report for QEMU and dnsmasq.
  void ReportedPids(int* qemu, int* dnsmasq) {
    CmdResult ps = Qc("ps --format json");
    ASSERT_EQ(ps.exit_code, 0) << ps.err;
    auto rows = nlohmann::json::parse(ps.out);
    ASSERT_EQ(rows.size(), 1U) << ps.out;
    *qemu = rows[0].at("pid");
    auto nets = nlohmann::json::parse(ReadFile(dir_ + "/.qemu-compose/networks.json"));
    *dnsmasq = nets.at("backend").at("dnsmasq_pid");
  }
  void ExpectUsersIds(int pid, const std::string& what) {
    const std::string uid = std::to_string(UserA().uid);
    const std::string gid = std::to_string(UserA().gid);
    // real, effective, saved and filesystem ids
    EXPECT_EQ(StatusField(pid, "Uid"), uid + "\t" + uid + "\t" + uid + "\t" + uid) << what;
    EXPECT_EQ(StatusField(pid, "Gid"), gid + "\t" + gid + "\t" + gid + "\t" + gid) << what;
  }
  void ExpectUnprivilegedSandboxedQemu(int pid) {
    ASSERT_TRUE(ExeName(pid).starts_with("qemu-system-")) << ExeName(pid);
    ExpectUsersIds(pid, "QEMU");
    for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapAmb"}) {
      EXPECT_EQ(StatusField(pid, set), kNoCaps) << "QEMU " << set;
    }
    EXPECT_EQ(StatusField(pid, "NoNewPrivs"), "1");
    EXPECT_EQ(StatusField(pid, "Seccomp"), "2");  // QEMU's -sandbox filter is loaded
    const std::vector<std::string> argv = Argv(pid);
    const auto sandbox = std::find(argv.begin(), argv.end(), "-sandbox");
    ASSERT_NE(sandbox, argv.end());
    ASSERT_NE(sandbox + 1, argv.end());
    EXPECT_EQ(*(sandbox + 1), kSandbox);
  }
  void ExpectDnsmasqWithItsTwoCapabilities(int pid) {
    EXPECT_EQ(ExeName(pid), "dnsmasq");
    ExpectUsersIds(pid, "dnsmasq");
    EXPECT_EQ(StatusField(pid, "CapEff"), kDnsmasqCaps);
    EXPECT_EQ(StatusField(pid, "CapPrm"), kDnsmasqCaps);
  }

  Netns ns_;
  std::string dir_;
};

TEST_F(Privilege, EveryProcessOfARunningProjectHoldsOnlyWhatItNeeds) {
  CmdResult up = Qc("up");
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << Logs();
  int qemu = 0;
  int dnsmasq = 0;
  ReportedPids(&qemu, &dnsmasq);
  // Exactly QEMU (the runner became it: no separate runner process stays)
  // and dnsmasq; the helper exited with `up`.
  const std::map<int, std::string> processes = ProjectProcesses(dir_ + "/.qemu-compose");
  ASSERT_EQ(processes.size(), 2U) << "project processes: " << processes.size();
  ASSERT_EQ(processes.count(qemu), 1U) << "QEMU pid " << qemu << " from ps";
  ASSERT_EQ(processes.count(dnsmasq), 1U) << "dnsmasq pid " << dnsmasq << " from networks.json";
  ExpectUnprivilegedSandboxedQemu(qemu);
  ExpectDnsmasqWithItsTwoCapabilities(dnsmasq);
}

// A caller whose session holds ambient capabilities (pam_cap, capsh) still
// gets a QEMU without any: the runner drops them before it execs QEMU.
TEST_F(Privilege, CallersAmbientCapabilitiesNeverReachQemu) {
  const User& a = UserA();
  const std::string session = "env -i HOME=" + a.home + " USER=" + a.name +
                              " PATH=/usr/sbin:/usr/bin:/bin /usr/sbin/capsh"
                              " --caps='cap_net_admin+eip cap_setpcap,cap_setuid,cap_setgid+ep'"
                              " --keep=1 --user=" +
                              a.name + " --addamb=cap_net_admin -- -c ";
  // The session really has the capability, or this test would prove nothing.
  CmdResult probe = ns_.RunWithTimeout(nullptr, session + "'grep CapAmb /proc/self/status'", 30000);
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  ASSERT_NE(probe.out.find("0000000000001000"), std::string::npos) << probe.out;

  CmdResult up = ns_.RunWithTimeout(
      nullptr, "cd " + dir_ + " && " + session + "'" + GetInstall().frontend + " up'",
      kCmdTimeoutMs);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << Logs();
  int qemu = 0;
  int dnsmasq = 0;
  ReportedPids(&qemu, &dnsmasq);
  ExpectUnprivilegedSandboxedQemu(qemu);
  ExpectDnsmasqWithItsTwoCapabilities(dnsmasq);
}

// Of everything installed, only the helper carries file capabilities, and
// exactly the two it uses.
TEST(PrivilegeInstall, OnlyTheHelperHasFileCapabilities) {
  const Netns ns;
  CmdResult r = ns.Run("/usr/sbin/getcap -r " + GetInstall().prefix);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, GetInstall().helper + " cap_net_bind_service,cap_net_admin=ep\n");
}

}  // namespace
}  // namespace qc::itest
