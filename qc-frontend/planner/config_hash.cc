#include "planner/config_hash.h"

#include <algorithm>

#include "compose/render.h"
#include "naming/digest.h"

namespace qc::planner {

nlohmann::ordered_json VmConfig(const compose::Vm& vm, const std::vector<NicFacts>& nics) {
  nlohmann::ordered_json config = compose::ToJson(compose::RenderVm(vm));
  for (const std::string& key : kVmKeysThatDoNotRecreate) {
    config.erase(key);
  }
  nlohmann::ordered_json resolved = nlohmann::ordered_json::array();
  for (const NicFacts& nic : nics) {
    resolved.push_back({{"network", nic.network},
                        {"bridge", nic.bridge},
                        {"mac", nic.mac},
                        {"network_config", nic.network_hash}});
  }
  config["nics"] = resolved;
  return config;
}

nlohmann::ordered_json NetworkConfig(const compose::Network& net, const std::string& subnet,
                                     const std::string& bridge) {
  nlohmann::ordered_json config = compose::ToJson(compose::RenderNetwork(net));
  config["subnet"] = subnet;
  config["bridge"] = bridge;
  return config;
}

std::string ConfigHash(const nlohmann::ordered_json& config) {
  return naming::Sha256Hex(
             config.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace))
      .substr(0, 16);
}

std::vector<std::string> ChangedKeys(const nlohmann::ordered_json& before,
                                     const nlohmann::ordered_json& after) {
  std::vector<std::string> keys;
  auto differs = [&](const std::string& key) {
    bool in_before = before.is_object() && before.contains(key);
    bool in_after = after.is_object() && after.contains(key);
    // Values compare as plain JSON: the order of keys inside an object is
    // not a change (vm.json stores the config with its keys sorted).
    return in_before != in_after ||
           (in_before && nlohmann::json(before.at(key)) != nlohmann::json(after.at(key)));
  };
  for (const auto* side : {&after, &before}) {
    if (!side->is_object()) {
      continue;
    }
    for (const auto& [key, value] : side->items()) {
      if (differs(key) && std::find(keys.begin(), keys.end(), key) == keys.end()) {
        keys.push_back(key);
      }
    }
  }
  return keys;
}

}  // namespace qc::planner
