// What `up` sees before it decides (planner/up_plan.h): the desired
// configuration of each VM and network, and what is there. Reads the
// state files, /proc/<pid>/stat and the kernel's links (and the helper's
// pools for a new `auto` subnet); changes nothing, so `up --dry-run` can
// stop right after.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "commands/context.h"
#include "commands/netd_session.h"
#include "planner/up_plan.h"
#include "state/state_files.h"

namespace qc::commands {

struct UpView {
  planner::UpInputs inputs;
  // The recorded networks, with every network of `inputs.networks` as it
  // is wanted: subnet (kept, manual or newly allocated), reservations, hash.
  state::NetworksFile desired;
};

// selected: the VMs asked for plus their dependencies. nf: networks.json.
// netd is asked only for a new `subnet: auto` network (the helper's pools).
bool ObserveUp(const Context& ctx, const std::vector<std::string>& selected,
               const state::NetworksFile& nf, NetdSession& netd, UpView* view, std::string* error);

}  // namespace qc::commands
