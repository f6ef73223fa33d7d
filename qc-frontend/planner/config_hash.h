// The configuration `up` compares to decide whether a VM or a network must
// be recreated: opt-out, not opt-in. A VM's is its whole `config` node
// (compose/render.h) minus the keys listed in kVmKeysThatDoNotRecreate,
// plus what its NICs resolved to; a network's is its node with the subnet
// resolved, plus its bridge. A field someone adds to the compose file (and
// so to `config`) is covered without being listed here.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compose/model.h"

namespace qc::planner {

// VM keys whose change needs no new instance: start order and how long
// `stop` waits are read when they are used.
inline const std::vector<std::string> kVmKeysThatDoNotRecreate = {"depends_on",
                                                                  "stop_grace_period"};

// One bridge NIC of a VM as this `up` resolved it.
struct NicFacts {
  std::string network;
  std::string bridge;
  std::string mac;
  std::string network_hash;  // NetworkConfigHash of its network
};

nlohmann::ordered_json VmConfig(const compose::Vm& vm, const std::vector<NicFacts>& nics);
nlohmann::ordered_json NetworkConfig(const compose::Network& net, const std::string& subnet,
                                     const std::string& bridge);

// SHA-256 (hex, 16 characters) of the compact JSON.
std::string ConfigHash(const nlohmann::ordered_json& config);

// Top-level keys whose values differ between two configs (either side may
// lack one), in `after`'s order then `before`'s: for "memory changed".
std::vector<std::string> ChangedKeys(const nlohmann::ordered_json& before,
                                     const nlohmann::ordered_json& after);

}  // namespace qc::planner
