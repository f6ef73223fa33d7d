// qemu-compose up / ps / down of a one-VM bridge project, run as an
// unprivileged user in a private network namespace with the installed
// (setcap'd) helper, QEMU under TCG and the tiny guest.
#include <gtest/gtest.h>

#include <climits>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness.h"

namespace qc::itest {
namespace {

constexpr int kUpTimeoutMs = 400 * 1000;  // TCG boot on a busy 2-core machine
constexpr int kCmdTimeoutMs = 120 * 1000;

// pid exists and is not a zombie.
bool Alive(int pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  auto rp = stat.rfind(')');
  return pid > 0 && rp != std::string::npos && rp + 2 < stat.size() && stat[rp + 2] != 'Z';
}

std::string ComposeFile() {
  const Install& in = GetInstall();
  return "name: itproj\n"
         "vms:\n"
         "  web:\n"
         "    kernel: " +
         in.guest_kernel +
         "\n"
         "    initrd: " +
         in.guest_initrd +
         "\n"
         "    cmdline: console=ttyS0 quiet panic=-1 qc.hostname=web\n"
         "    accel: tcg\n"
         "    memory: 256M\n"
         "    stop_grace_period: 20s\n"
         "    networks: [backend]\n"
         "networks:\n"
         "  backend:\n"
         "    driver: bridge\n"
         "    subnet: auto\n";
}

class FrontendLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ScratchDir(UserA());
    CmdResult w = ns_.RunAs(
        UserA(), "cat > " + dir_ + "/qemu-compose.yaml <<'QC_EOF'\n" + ComposeFile() + "QC_EOF\n");
    ASSERT_EQ(w.exit_code, 0) << w.err;
  }
  void TearDown() override {
    // Whatever happened, leave nothing running (the Netns dtor kills the rest).
    Qc("down --force");
  }
  CmdResult Qc(const std::string& args, int timeout_ms = kCmdTimeoutMs) {
    return ns_.RunWithTimeout(&UserA(), "cd " + dir_ + " && " + GetInstall().frontend + " " + args,
                              timeout_ms);
  }
  std::string Diagnostics() {
    return "\n--- serial.log ---\n" + ReadFile(dir_ + "/.qemu-compose/web/serial.log") +
           "\n--- runner.log ---\n" + ReadFile(dir_ + "/.qemu-compose/web/runner.log") +
           "\n--- dnsmasq.log ---\n" +
           ReadFile(dir_ + "/.qemu-compose/dnsmasq/backend/dnsmasq.log");
  }
  Netns ns_;
  std::string dir_;
};

TEST_F(FrontendLifecycle, UpWaitPsDownThenSecondUpIsANoOp) {
  CmdResult up = Qc("up --wait --timeout 360", kUpTimeoutMs);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << Diagnostics();
  EXPECT_NE(up.out.find("✓ network backend"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("✓ vm web: ready"), std::string::npos) << up.out;

  // The reservation in networks.json is what the guest got over DHCP.
  auto nets = nlohmann::json::parse(ReadFile(dir_ + "/.qemu-compose/networks.json"));
  const auto& backend = nets.at("backend");
  ASSERT_EQ(backend.at("reservations").size(), 1U);
  const std::string reserved = backend.at("reservations")[0].at("ip");
  const int dnsmasq_pid = backend.at("dnsmasq_pid");
  EXPECT_TRUE(Alive(dnsmasq_pid));
  EXPECT_EQ(backend.at("subnet"), "172.16.0.0/24");  // nothing else in this netns
  // up --wait counts the VM ready once dnsmasq granted the lease; the guest
  // prints its QC-LEASE line a moment later (seconds on a loaded machine).
  const std::string serial = dir_ + "/.qemu-compose/web/serial.log";
  WaitFor([&] { return !MarkerLines(ReadFile(serial), "QC-LEASE").empty(); }, 120 * 1000, 200);
  auto leases = MarkerLines(ReadFile(serial), "QC-LEASE");
  ASSERT_FALSE(leases.empty()) << Diagnostics();
  EXPECT_EQ(FieldOf(leases.back(), "ip"), reserved + "/24");
  EXPECT_EQ(FieldOf(leases.back(), "router"), "172.16.0.1");

  CmdResult ps = Qc("ps --format json");
  ASSERT_EQ(ps.exit_code, 0) << ps.err;
  auto rows = nlohmann::json::parse(ps.out);
  ASSERT_EQ(rows.size(), 1U) << ps.out;
  EXPECT_EQ(rows[0].at("name"), "web");
  EXPECT_EQ(rows[0].at("status"), "ready");
  EXPECT_EQ(rows[0].at("ip"), reserved);
  const int pid = rows[0].at("pid");
  EXPECT_GT(pid, 0);
  CmdResult table = Qc("ps");
  EXPECT_NE(table.out.find("NAME"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(reserved), std::string::npos) << table.out;

  // Second up: nothing changed, nothing done, and it says so.
  CmdResult again = Qc("up");
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("✓ vm web: running (unchanged)"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("(unchanged)"), std::string::npos) << again.out;
  CmdResult ps2 = Qc("ps --format json");
  EXPECT_EQ(nlohmann::json::parse(ps2.out)[0].at("pid"), pid);

  CmdResult down = Qc("down");
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  CmdResult links = ns_.Run("ip -o link show");
  EXPECT_EQ(links.out.find("qc-"), std::string::npos) << links.out;
  EXPECT_EQ(links.out.find("tap-"), std::string::npos) << links.out;
  // The user is shared with other tests: look for this project's processes only.
  EXPECT_FALSE(Alive(pid)) << "QEMU " << pid << " survived down";
  EXPECT_FALSE(Alive(dnsmasq_pid)) << "dnsmasq " << dnsmasq_pid << " survived down";
  std::string users;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos || !Alive(std::stoi(name)))
      continue;
    if (ReadFile(e.path().string() + "/cmdline").find(dir_ + "/.qemu-compose") !=
        std::string::npos) {
      users += " " + name;
    }
  }
  EXPECT_EQ(users, "") << "processes still using the project's state";
  EXPECT_EQ(nlohmann::json::parse(ReadFile(dir_ + "/.qemu-compose/networks.json")).size(), 0U);
}

TEST_F(FrontendLifecycle, UpRepairsAKilledQemuAndDnsmasq) {
  CmdResult up = Qc("up");
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << Diagnostics();
  auto nets = nlohmann::json::parse(ReadFile(dir_ + "/.qemu-compose/networks.json"));
  const int dnsmasq_pid = nets.at("backend").at("dnsmasq_pid");
  auto rows = nlohmann::json::parse(Qc("ps --format json").out);
  const int qemu_pid = rows[0].at("pid");
  ASSERT_TRUE(Alive(qemu_pid));
  ASSERT_TRUE(Alive(dnsmasq_pid));

  ns_.Run("kill -9 " + std::to_string(qemu_pid) + " " + std::to_string(dnsmasq_pid));
  ASSERT_TRUE(WaitFor([&] { return !Alive(qemu_pid) && !Alive(dnsmasq_pid); }, 10000));
  CmdResult ps = Qc("ps --format json");
  EXPECT_EQ(nlohmann::json::parse(ps.out)[0].at("status"), "stopped") << ps.out;

  // The kernel freed the TAP with QEMU; up makes a new one and a new dnsmasq.
  CmdResult again = Qc("up --wait --timeout 360", kUpTimeoutMs);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err << Diagnostics();
  EXPECT_NE(again.out.find("✓ network backend"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("dnsmasq restarted"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("✓ vm web: restarted"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("✓ vm web: ready"), std::string::npos) << again.out;

  CmdResult ls = Qc("network ls");
  EXPECT_EQ(ls.exit_code, 0);
  EXPECT_NE(ls.out.find("backend"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("172.16.0.0/24"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("running"), std::string::npos) << ls.out;
}

TEST_F(FrontendLifecycle, UsageAndComposeErrorsHaveTheirExitCodes) {
  CmdResult bad = Qc("up --timeout nope");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--timeout"), std::string::npos) << bad.err;
  CmdResult unknown = Qc("inspect nosuchvm");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("nosuchvm"), std::string::npos) << unknown.err;
  CmdResult nofile = Qc("-f missing.yaml ps");
  EXPECT_EQ(nofile.exit_code, 3) << nofile.err;
  EXPECT_NE(nofile.err.find("missing.yaml"), std::string::npos) << nofile.err;
}

}  // namespace
}  // namespace qc::itest
