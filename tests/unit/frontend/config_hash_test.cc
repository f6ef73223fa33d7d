// The config `up` hashes is opt-out: every field `config` shows counts,
// except the few that do not shape a running VM.
#include "planner/config_hash.h"

#include <gtest/gtest.h>

#include "compose/render.h"

namespace qc::planner {
namespace {

compose::Vm Web() {
  compose::Vm vm;
  vm.name = "web";
  vm.kernel = "/k";
  vm.memory_mb = 512;
  vm.networks = {"backend"};
  return vm;
}

std::string Hash(const compose::Vm& vm, const std::vector<NicFacts>& nics = {}) {
  return ConfigHash(VmConfig(vm, nics));
}

TEST(ConfigHash, EveryFieldConfigShowsIsHashed) {
  compose::Vm vm = Web();
  vm.image = "/i.qcow2";
  vm.disk.size_bytes = 1ULL << 30;
  vm.ports = {{8080, 80, "tcp"}};
  vm.mounts = {{"data", true, "/srv", false, true, "", {}}};
  vm.depends_on = {"db"};
  nlohmann::ordered_json shown = compose::ToJson(compose::RenderVm(vm));
  nlohmann::ordered_json hashed = VmConfig(vm, {});
  for (const auto& [key, value] : shown.items()) {
    bool opted_out = std::find(kVmKeysThatDoNotRecreate.begin(), kVmKeysThatDoNotRecreate.end(),
                               key) != kVmKeysThatDoNotRecreate.end();
    EXPECT_EQ(hashed.contains(key), !opted_out) << key;
  }
}

TEST(ConfigHash, ChangesWithWhatShapesTheVm) {
  const std::string base = Hash(Web());
  compose::Vm vm = Web();
  vm.memory_mb = 1024;
  EXPECT_NE(Hash(vm), base);
  vm = Web();
  vm.cpus = 2;
  EXPECT_NE(Hash(vm), base);
  vm = Web();
  vm.cmdline = "console=ttyS0";
  EXPECT_NE(Hash(vm), base);
  EXPECT_NE(Hash(Web(), {{"backend", "qc-a-backend", "52:54:00:00:00:01", "n1"}}), base);
  EXPECT_NE(Hash(Web(), {{"backend", "qc-a-backend", "52:54:00:00:00:01", "n2"}}),
            Hash(Web(), {{"backend", "qc-a-backend", "52:54:00:00:00:01", "n1"}}));
}

TEST(ConfigHash, IgnoresWhatDoesNotShapeIt) {
  const std::string base = Hash(Web());
  compose::Vm vm = Web();
  vm.depends_on = {"db"};
  vm.stop_grace_period_s = 90;
  vm.pos = {12, 3};
  EXPECT_EQ(Hash(vm), base);
}

TEST(ConfigHash, NetworkHashFollowsTheResolvedSubnet) {
  compose::Network auto_net;
  auto_net.name = "backend";
  compose::Network manual = auto_net;
  manual.subnet = "172.16.0.0/24";
  // `subnet: auto` that resolved to a CIDR equals writing that CIDR.
  EXPECT_EQ(ConfigHash(NetworkConfig(auto_net, "172.16.0.0/24", "qc-a-backend")),
            ConfigHash(NetworkConfig(manual, "172.16.0.0/24", "qc-a-backend")));
  EXPECT_NE(ConfigHash(NetworkConfig(auto_net, "172.16.0.0/24", "qc-a-backend")),
            ConfigHash(NetworkConfig(auto_net, "172.16.1.0/24", "qc-a-backend")));
}

TEST(ConfigHash, ChangedKeysLooksBothWays) {
  auto before = nlohmann::ordered_json::parse(R"({"a":1,"b":2,"gone":3})");
  auto after = nlohmann::ordered_json::parse(R"({"a":1,"b":5,"new":4})");
  EXPECT_EQ(ChangedKeys(before, after), (std::vector<std::string>{"b", "new", "gone"}));
  EXPECT_TRUE(ChangedKeys(before, before).empty());
}

TEST(ConfigHash, KeyOrderInsideValuesIsNoChange) {
  // What vm.json gives back (keys sorted) against what up wants (in order).
  auto stored =
      nlohmann::ordered_json::parse(R"({"nics":[{"bridge":"b","mac":"m","network":"n"}]})");
  auto wanted =
      nlohmann::ordered_json::parse(R"({"nics":[{"network":"n","bridge":"b","mac":"m"}]})");
  EXPECT_TRUE(ChangedKeys(stored, wanted).empty());
}

}  // namespace
}  // namespace qc::planner
