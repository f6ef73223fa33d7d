// PlanUp: every create/recreate/restart decision of `up`, from desired
// configs and actual state.
#include "planner/up_plan.h"

#include <gtest/gtest.h>

namespace qc::planner {
namespace {

// A project: VMs in start order, each on the given networks, all selected.
UpInputs Project(const std::vector<std::pair<std::string, std::vector<std::string>>>& vms,
                 const std::vector<std::string>& nets) {
  UpInputs in;
  for (const auto& [vm, vm_nets] : vms) {
    in.vm_order.push_back(vm);
    in.selected.insert(vm);
    in.vm_desired[vm] = {"hash-" + vm, "", vm_nets};
  }
  in.networks = nets;
  for (const auto& n : nets) {
    in.net_desired[n] = {"nethash-" + n, "172.16.0.0/24", "qc-x-" + n};
  }
  return in;
}

// Everything up and running as desired.
void AllRunning(UpInputs* in) {
  for (const auto& [vm, want] : in->vm_desired) {
    in->vm_actual[vm] = {true, want.config_hash, "", true};
  }
  for (const auto& [n, want] : in->net_desired) {
    in->net_actual[n] = {true, want.config_hash, want.subnet, true, true, false};
  }
}

TEST(UpPlan, FreshProjectCreatesEverything) {
  UpPlan p = PlanUp(Project({{"db", {"backend"}}, {"web", {"backend"}}}, {"backend"}));
  ASSERT_EQ(p.networks.size(), 1U);
  EXPECT_EQ(p.networks[0].action, NetworkAction::kCreate);
  EXPECT_TRUE(p.networks[0].setup_bridge);
  EXPECT_TRUE(p.networks[0].start_dnsmasq);
  EXPECT_FALSE(p.networks[0].teardown);
  ASSERT_EQ(p.vms.size(), 2U);
  EXPECT_EQ(p.vms[0].vm, "db");  // start order kept
  EXPECT_EQ(p.vms[0].action, VmAction::kCreate);
  EXPECT_EQ(p.vms[1].action, VmAction::kCreate);
  EXPECT_TRUE(p.changes_anything());
}

TEST(UpPlan, NothingChangedTouchesNothing) {
  UpInputs in = Project({{"db", {"backend"}}, {"web", {"backend"}}, {"tools", {}}}, {"backend"});
  AllRunning(&in);
  UpPlan p = PlanUp(in);
  EXPECT_TRUE(p.networks[0].unchanged());
  for (const auto& s : p.vms) {
    EXPECT_EQ(s.action, VmAction::kUnchanged) << s.vm;
  }
  EXPECT_FALSE(p.changes_anything());
  EXPECT_FALSE(p.needs_helper(in.vm_desired));
}

TEST(UpPlan, ChangedHashRecreatesOnlyThatVm) {
  UpInputs in = Project({{"db", {"backend"}}, {"web", {"backend"}}}, {"backend"});
  AllRunning(&in);
  in.vm_desired["web"].config_hash = "new";
  UpPlan p = PlanUp(in);
  EXPECT_TRUE(p.networks[0].unchanged());
  EXPECT_EQ(p.vms[0].action, VmAction::kUnchanged);
  EXPECT_EQ(p.vms[1].action, VmAction::kRecreate);
  EXPECT_EQ(p.vms[1].reason, "configuration changed");  // no recorded config to compare
  EXPECT_TRUE(p.needs_helper(in.vm_desired));
}

TEST(UpPlan, RecordedConfigsNameWhatChanged) {
  UpInputs in = Project({{"web", {}}}, {});
  AllRunning(&in);
  in.vm_actual["web"].config = R"({"cpu":1,"memory":"512M","nics":[]})";
  in.vm_desired["web"] = {"new", R"({"cpu":2,"memory":"1G","nics":[{"network":"n"}]})", {}};
  EXPECT_EQ(PlanUp(in).vms[0].reason, "cpu, memory, networks changed");
}

TEST(UpPlan, DeadQemuRestartsUserModeVmNeedsNoHelper) {
  UpInputs in = Project({{"tools", {}}}, {});
  AllRunning(&in);
  in.vm_actual["tools"].running = false;
  UpPlan p = PlanUp(in);
  EXPECT_EQ(p.vms[0].action, VmAction::kRestart);
  EXPECT_FALSE(p.needs_helper(in.vm_desired));
}

TEST(UpPlan, DeadDnsmasqRestartsChangedReservationsReload) {
  UpInputs in = Project({}, {"n1", "n2"});
  AllRunning(&in);
  in.net_actual["n1"].dnsmasq_running = false;
  in.net_actual["n2"].reservations_changed = true;
  UpPlan p = PlanUp(in);
  EXPECT_EQ(p.networks[0].action, NetworkAction::kDnsmasq);
  EXPECT_FALSE(p.networks[0].setup_bridge);
  EXPECT_TRUE(p.networks[0].start_dnsmasq);
  EXPECT_EQ(p.networks[1].action, NetworkAction::kReload);
  EXPECT_FALSE(p.networks[1].start_dnsmasq);
  EXPECT_TRUE(p.networks[1].reload_dnsmasq);
}

TEST(UpPlan, MissingBridgeIsSetUpAgainWithItsDnsmasq) {
  UpInputs in = Project({{"web", {"n"}}}, {"n"});
  AllRunning(&in);
  in.net_actual["n"].bridge_exists = false;
  UpPlan p = PlanUp(in);
  EXPECT_EQ(p.networks[0].action, NetworkAction::kRepair);
  EXPECT_TRUE(p.networks[0].setup_bridge);
  EXPECT_TRUE(p.networks[0].start_dnsmasq);
  EXPECT_FALSE(p.networks[0].teardown);
  EXPECT_EQ(p.vms[0].action, VmAction::kUnchanged);
}

TEST(UpPlan, ChangedNetworkIsRecreatedWithEveryVmOnIt) {
  UpInputs in = Project({{"db", {"backend"}}, {"web", {"backend", "front"}}, {"tools", {}}},
                        {"backend", "front"});
  AllRunning(&in);
  in.net_actual["backend"].config_hash = "old";
  in.net_actual["backend"].subnet = "10.1.0.0/24";
  UpPlan p = PlanUp(in);
  EXPECT_EQ(p.networks[0].action, NetworkAction::kRecreate);
  EXPECT_TRUE(p.networks[0].teardown);
  EXPECT_TRUE(p.networks[0].setup_bridge);
  EXPECT_EQ(p.networks[0].reason, "subnet 10.1.0.0/24 -> 172.16.0.0/24");
  EXPECT_TRUE(p.networks[1].unchanged());
  EXPECT_EQ(p.vms[0].action, VmAction::kRecreate);
  EXPECT_EQ(p.vms[0].reason, "network backend recreated");
  EXPECT_EQ(p.vms[1].action, VmAction::kRecreate);
  EXPECT_EQ(p.vms[2].action, VmAction::kUnchanged);
}

TEST(UpPlan, RecreatedNetworkTakesAlongRunningVmsNotAskedFor) {
  UpInputs in =
      Project({{"db", {"backend"}}, {"web", {"backend"}}, {"old", {"backend"}}}, {"backend"});
  AllRunning(&in);
  in.selected = {"web"};
  in.vm_actual["old"].running = false;  // not running: recreated at its own next up
  in.net_actual["backend"].config_hash = "old";
  UpPlan p = PlanUp(in);
  ASSERT_EQ(p.vms.size(), 2U);
  EXPECT_EQ(p.vms[0].vm, "web");
  EXPECT_EQ(p.vms[1].vm, "db");
  EXPECT_EQ(p.vms[1].action, VmAction::kRecreate);
}

TEST(UpPlan, StateWithoutAHashComparesTheSubnet) {
  UpInputs in = Project({}, {"n"});
  AllRunning(&in);
  in.net_actual["n"].config_hash = "";
  EXPECT_TRUE(PlanUp(in).networks[0].unchanged());
  in.net_actual["n"].subnet = "10.9.0.0/24";
  EXPECT_EQ(PlanUp(in).networks[0].action, NetworkAction::kRecreate);
}

}  // namespace
}  // namespace qc::planner
