// Everything a command needs about the project: the parsed compose model,
// the state layout, the owner (uid + directory) for link names, and output.
#pragma once

#include <string>

#include "cli/output.h"
#include "commands/global_options.h"
#include "compose/model.h"
#include "naming/link_names.h"
#include "state/layout.h"
#include "state/project_lock.h"

namespace qc::commands {

struct Context {
  GlobalOptions opts;
  compose::Project project;
  state::Layout layout;
  naming::Owner owner;
  cli::Output out{false, false};
};

// Parses and validates the compose file. On failure prints the loader's
// message and returns false (exit code kExitBadCompose).
bool LoadContext(const GlobalOptions& opts, Context* ctx);

// LoadContext, then the project lock (saying so while another command
// holds it; no lock if the project has no state yet) for the commands that
// change an existing project. kExitOk, or the exit code after printing why.
int LoadAndLockProject(const GlobalOptions& opts, Context* ctx, state::ProjectLock* lock);

// Deletes every named volume's disk (down --volumes); false if one failed.
bool RemoveAllVolumes(const Context& ctx);

// Names resolved for one NIC of a VM.
std::string BridgeOf(const Context& ctx, const std::string& network);
std::string TapOf(const Context& ctx, const std::string& vm, int nic_index);
std::string MacOf(const Context& ctx, const std::string& vm, int nic_index);
std::string DomainOf(const Context& ctx);  // "<project>.qc"

// Selected VM names (all if `names` is empty), in start order. Unknown names
// are an error naming them.
bool SelectVms(const Context& ctx, const std::vector<std::string>& names,
               std::vector<std::string>* out, std::string* error);

}  // namespace qc::commands
