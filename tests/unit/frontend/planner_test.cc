#include "planner/up_plan.h"

#include <gtest/gtest.h>

namespace qc::planner {
namespace {

TEST(UpPlan, FreshProjectCreatesEverything) {
  UpPlan p = PlanUp({"db", "web"}, {{"db", "h1"}, {"web", "h2"}}, {}, {"backend"}, {});
  ASSERT_EQ(p.networks.size(), 1U);
  EXPECT_TRUE(p.networks[0].setup_bridge);
  EXPECT_TRUE(p.networks[0].start_dnsmasq);
  ASSERT_EQ(p.vms.size(), 2U);
  EXPECT_EQ(p.vms[0].vm, "db");  // start order kept
  EXPECT_EQ(p.vms[0].action, VmAction::kCreate);
  EXPECT_EQ(p.vms[1].action, VmAction::kCreate);
}

TEST(UpPlan, SecondUpWithNothingChangedIsANoOp) {
  UpPlan p = PlanUp({"web"}, {{"web", "h"}}, {{"web", {true, "h", true}}}, {"backend"},
                    {{"backend", {true, true, true, false}}});
  EXPECT_TRUE(p.networks[0].unchanged());
  EXPECT_EQ(p.vms[0].action, VmAction::kUnchanged);
  EXPECT_EQ(p.vms[0].reason, "running (unchanged)");
}

TEST(UpPlan, ChangedHashRecreatesDeadQemuRestarts) {
  UpPlan p = PlanUp({"a", "b"}, {{"a", "new"}, {"b", "h"}},
                    {{"a", {true, "old", true}}, {"b", {true, "h", false}}}, {}, {});
  EXPECT_EQ(p.vms[0].action, VmAction::kRecreate);
  EXPECT_EQ(p.vms[1].action, VmAction::kRestart);
}

TEST(UpPlan, DeadDnsmasqRestartsChangedReservationsReload) {
  UpPlan p = PlanUp({}, {}, {}, {"n1", "n2"},
                    {{"n1", {true, true, false, false}}, {"n2", {true, true, true, true}}});
  EXPECT_FALSE(p.networks[0].setup_bridge);
  EXPECT_TRUE(p.networks[0].start_dnsmasq);
  EXPECT_FALSE(p.networks[1].start_dnsmasq);
  EXPECT_TRUE(p.networks[1].reload_dnsmasq);
}

TEST(UpPlan, MissingBridgeIsRecreatedWithItsDnsmasq) {
  UpPlan p = PlanUp({}, {}, {}, {"n"}, {{"n", {true, false, true, false}}});
  EXPECT_TRUE(p.networks[0].setup_bridge);
  EXPECT_TRUE(p.networks[0].start_dnsmasq);
}

}  // namespace
}  // namespace qc::planner
