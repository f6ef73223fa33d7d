// What a second `up` recreates, end to end: changing one VM's memory
// recreates only that VM, changing a subnet recreates that network and the
// VMs on it, nothing changed touches nothing, and `up --dry-run` says which
// and changes nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

constexpr const char* kSubnetA = "172.20.1.0/24";
constexpr const char* kSubnetB = "172.20.2.0/24";

// db and web on "lan", tools in user mode; short grace periods, since a
// guest still booting ignores the ACPI button.
ProjectDef Def(const std::string& subnet, const std::string& web_memory = "128M") {
  return {"recreate",
          {{"db", {"lan"}, {}, "", "128M", "2s"},
           {"web", {"lan"}, {}, "", web_memory, "2s"},
           {"tools", {}, {}, "", "128M", "2s"}},
          {NetworkDef("lan", subnet)}};
}

// Content and modification time of a file: equal means untouched.
std::string Fingerprint(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return "(missing)";
  }
  return std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + " " +
         ReadFile(path);
}

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

class Recreate : public ::testing::Test {
 protected:
  // `up` (each QEMU running, not waiting for the guests), then the pids.
  void Up(Project& p) {
    CmdResult up = p.Qc("up", kUpTimeoutMs);
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
    for (const auto& vm : p.vms()) {
      pids_[vm] = p.QemuPid(vm);
      ASSERT_GT(pids_[vm], 0) << vm << "\n" << p.Diagnostics();
    }
  }
  std::string DryRun(const Project& p) {
    CmdResult dry = p.Qc("up --dry-run");
    EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
    return dry.out;
  }
  Netns ns_;
  std::map<std::string, int> pids_;
};

TEST_F(Recreate, NothingChangedTouchesNothing) {
  Project p(ns_, UserA(), Def(kSubnetA));
  // A dry run on a fresh project plans everything and creates nothing.
  std::string plan = DryRun(p);
  EXPECT_TRUE(Has(plan, "network lan: create (172.20.1.0/24 on qc-")) << plan;
  EXPECT_TRUE(Has(plan, "vm web: create\n")) << plan;
  EXPECT_FALSE(std::filesystem::exists(p.StateDir())) << plan;

  ASSERT_NO_FATAL_FAILURE(Up(p));
  const int dnsmasq = p.DnsmasqPid();
  const std::string links = ns_.Run("ip -o link show").out;
  std::map<std::string, std::string> files;
  for (const auto& f : {std::string("networks.json"), std::string("ports.json"),
                        std::string("db/vm.json"), std::string("web/vm.json"),
                        std::string("tools/vm.json"), std::string("dnsmasq/lan/dhcp-hosts")}) {
    files[f] = Fingerprint(p.StateDir() + "/" + f);
  }

  plan = DryRun(p);
  for (const auto& line : {"network lan: unchanged\n", "vm db: unchanged\n", "vm web: unchanged\n",
                           "vm tools: unchanged\n", "dry run: nothing to do\n"}) {
    EXPECT_TRUE(Has(plan, line)) << line << " in\n" << plan;
  }
  CmdResult again = p.Qc("up");
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  for (const auto& vm : p.vms()) {
    EXPECT_TRUE(Has(again.out, "vm " + vm + ": running (unchanged)")) << again.out;
    EXPECT_EQ(p.QemuPid(vm), pids_[vm]) << vm;
  }
  EXPECT_TRUE(Has(again.out, "network lan: ")) << again.out;
  EXPECT_EQ(p.DnsmasqPid(), dnsmasq);
  EXPECT_TRUE(Alive(dnsmasq));
  EXPECT_EQ(ns_.Run("ip -o link show").out, links);
  for (const auto& [f, before] : files) {
    EXPECT_EQ(Fingerprint(p.StateDir() + "/" + f), before) << f << " was rewritten";
  }
}

TEST_F(Recreate, ChangingOneVmsMemoryRecreatesOnlyThatVm) {
  Project p(ns_, UserA(), Def(kSubnetA));
  ASSERT_NO_FATAL_FAILURE(Up(p));
  const int dnsmasq = p.DnsmasqPid();
  p.Redefine(Def(kSubnetA, "160M"));

  const std::string web_json = Fingerprint(p.StateDir() + "/web/vm.json");
  std::string plan = DryRun(p);
  for (const auto& line :
       {"network lan: unchanged\n", "vm db: unchanged\n", "vm web: recreate (memory changed)\n",
        "vm tools: unchanged\n", "dry run: nothing was changed\n"}) {
    EXPECT_TRUE(Has(plan, line)) << line << " in\n" << plan;
  }
  EXPECT_EQ(p.QemuPid("web"), pids_["web"]) << "the dry run touched web";
  EXPECT_EQ(Fingerprint(p.StateDir() + "/web/vm.json"), web_json);

  CmdResult up = p.Qc("up", kUpTimeoutMs);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
  EXPECT_TRUE(Has(up.out, "vm web: recreated (memory changed)")) << up.out;
  const int web = p.QemuPid("web");
  EXPECT_GT(web, 0);
  EXPECT_NE(web, pids_["web"]);
  EXPECT_FALSE(Alive(pids_["web"]));
  std::string cmdline = ReadFile("/proc/" + std::to_string(web) + "/cmdline");
  EXPECT_TRUE(Has(cmdline, std::string("-m") + '\0' + "160" + '\0')) << "web's QEMU: " << cmdline;
  EXPECT_EQ(p.QemuPid("db"), pids_["db"]);
  EXPECT_EQ(p.QemuPid("tools"), pids_["tools"]);
  EXPECT_EQ(p.DnsmasqPid(), dnsmasq);
  EXPECT_EQ(p.Subnet(), kSubnetA);
}

TEST_F(Recreate, ChangingASubnetRecreatesThatNetworkAndItsVms) {
  Project p(ns_, UserA(), Def(kSubnetA));
  ASSERT_NO_FATAL_FAILURE(Up(p));
  const int dnsmasq = p.DnsmasqPid();
  const std::string bridge = p.Bridge();
  p.Redefine(Def(kSubnetB));

  std::string plan = DryRun(p);
  for (const auto& line :
       {"network lan: recreate (subnet 172.20.1.0/24 -> 172.20.2.0/24; 172.20.2.0/24 on " + bridge +
            ")\n",
        std::string("vm db: recreate (network lan recreated)\n"),
        std::string("vm web: recreate (network lan recreated)\n"),
        std::string("vm tools: unchanged\n")}) {
    EXPECT_TRUE(Has(plan, line)) << line << " in\n" << plan;
  }
  EXPECT_EQ(p.Subnet(), kSubnetA) << "the dry run changed networks.json";
  EXPECT_TRUE(Alive(dnsmasq));

  CmdResult up = p.Qc("up", kUpTimeoutMs);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
  EXPECT_TRUE(Has(up.out, "network lan: " + bridge + " 172.20.2.0/24 (recreated)")) << up.out;
  EXPECT_EQ(p.Subnet(), kSubnetB);
  std::string addr = ns_.Run("ip -o -4 addr show dev " + bridge).out;
  EXPECT_TRUE(Has(addr, "172.20.2.1/24")) << addr;
  EXPECT_FALSE(Has(addr, "172.20.1.")) << addr;
  EXPECT_FALSE(Alive(dnsmasq)) << "the old dnsmasq still serves the old subnet";
  EXPECT_TRUE(Alive(p.DnsmasqPid()));
  for (const std::string vm : {"db", "web"}) {
    EXPECT_TRUE(Has(up.out, "vm " + vm + ": recreated (network lan recreated)")) << up.out;
    EXPECT_NE(p.QemuPid(vm), pids_[vm]) << vm;
    EXPECT_GT(p.QemuPid(vm), 0) << vm;
    EXPECT_TRUE(InDhcpRange(kSubnetB, p.ReservedIp(vm))) << vm << ": " << p.ReservedIp(vm);
  }
  EXPECT_EQ(p.QemuPid("tools"), pids_["tools"]);
  // Only the new QEMUs' TAPs hang on the bridge.
  std::string taps = ns_.Run("ip -o link show master " + bridge).out;
  EXPECT_EQ(std::count(taps.begin(), taps.end(), '\n'), 2) << taps;
}

}  // namespace
}  // namespace qc::itest::e2e
