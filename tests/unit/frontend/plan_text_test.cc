// `up --dry-run` output, golden: the exact text for the plans users meet.
#include "planner/plan_text.h"

#include <gtest/gtest.h>

#include "planner/config_hash.h"

namespace qc::planner {
namespace {

compose::Vm Vm(const std::string& name, std::uint64_t memory_mb, std::vector<std::string> nets) {
  compose::Vm vm;
  vm.name = name;
  vm.kernel = "/guest/vmlinuz";
  vm.memory_mb = memory_mb;
  vm.networks = std::move(nets);
  return vm;
}

// db and web on `backend`, tools in user mode; every VM and the network
// described by real configs (planner/config_hash.h).
struct Demo {
  std::map<std::string, compose::Vm> vms = {{"db", Vm("db", 512, {"backend"})},
                                            {"tools", Vm("tools", 512, {})},
                                            {"web", Vm("web", 512, {"backend"})}};
  std::string subnet = "172.16.0.0/24";

  UpInputs Desired() const {
    UpInputs in;
    compose::Network net;
    net.name = "backend";
    std::string net_hash = ConfigHash(NetworkConfig(net, subnet, "qc-1a2b3c-backe"));
    in.networks = {"backend"};
    in.net_desired["backend"] = {net_hash, subnet, "qc-1a2b3c-backe"};
    for (const std::string name : {"db", "web", "tools"}) {
      const compose::Vm& vm = vms.at(name);
      std::vector<NicFacts> nics;
      for (const auto& n : vm.networks) {
        nics.push_back({n, "qc-1a2b3c-backe", "52:54:00:12:34:56", net_hash});
      }
      auto config = VmConfig(vm, nics);
      in.vm_order.push_back(name);
      in.selected.insert(name);
      in.vm_desired[name] = {ConfigHash(config), config.dump(), vm.networks};
    }
    return in;
  }
};

// What `up` recorded when it brought `was` up, all still running.
UpInputs RunningAs(const Demo& was, const UpInputs& desired) {
  UpInputs in = desired;
  UpInputs then = was.Desired();
  for (const auto& [vm, want] : then.vm_desired) {
    in.vm_actual[vm] = {true, want.config_hash, want.config, true};
  }
  for (const auto& [n, want] : then.net_desired) {
    in.net_actual[n] = {true, want.config_hash, want.subnet, true, true, false};
  }
  return in;
}

std::string Text(const UpInputs& in) {
  return FormatPlan(PlanUp(in), in.net_desired);
}

TEST(PlanText, FreshProject) {
  EXPECT_EQ(Text(Demo().Desired()), R"(network backend: create (172.16.0.0/24 on qc-1a2b3c-backe)
vm db: create
vm web: create
vm tools: create
dry run: nothing was changed
)");
}

TEST(PlanText, NothingChanged) {
  Demo demo;
  EXPECT_EQ(Text(RunningAs(demo, demo.Desired())), R"(network backend: unchanged
vm db: unchanged
vm web: unchanged
vm tools: unchanged
dry run: nothing to do
)");
}

TEST(PlanText, OneVmsMemoryChanged) {
  Demo was;
  Demo now;
  now.vms.at("web").memory_mb = 1024;
  EXPECT_EQ(Text(RunningAs(was, now.Desired())), R"(network backend: unchanged
vm db: unchanged
vm web: recreate (memory changed)
vm tools: unchanged
dry run: nothing was changed
)");
}

TEST(PlanText, SubnetChanged) {
  Demo was;
  Demo now;
  now.subnet = "10.10.0.0/24";
  EXPECT_EQ(
      Text(RunningAs(was, now.Desired())),
      R"(network backend: recreate (subnet 172.16.0.0/24 -> 10.10.0.0/24; 10.10.0.0/24 on qc-1a2b3c-backe)
vm db: recreate (network backend recreated)
vm web: recreate (network backend recreated)
vm tools: unchanged
dry run: nothing was changed
)");
}

TEST(PlanText, CrashedQemuAndDnsmasq) {
  Demo demo;
  UpInputs in = RunningAs(demo, demo.Desired());
  in.vm_actual["db"].running = false;
  in.net_actual["backend"].dnsmasq_running = false;
  EXPECT_EQ(Text(in), R"(network backend: start dnsmasq (not running)
vm db: restart (was not running)
vm web: unchanged
vm tools: unchanged
dry run: nothing was changed
)");
}

}  // namespace
}  // namespace qc::planner
