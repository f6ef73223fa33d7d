// Orders VMs so every VM comes after the VMs it depends on; among VMs that
// are free to start, alphabetical order, so the result is stable.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace qc::compose {

// `deps` maps every VM to the VMs it depends on (all of which are keys).
// Returns true and the order, or false and one cycle as "a -> b -> a"
// (starting at its alphabetically first member) in *cycle.
bool StartOrder(const std::map<std::string, std::vector<std::string>>& deps,
                std::vector<std::string>* order, std::vector<std::string>* cycle);

}  // namespace qc::compose
