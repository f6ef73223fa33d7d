// A cloud-image VM's cloud-init seed: made from the compose model, written
// as the user to .qemu-compose/<vm>/seed.iso (only when its content
// changed) and attached to the VM as a read-only virtio disk.
#pragma once

#include <string>
#include <vector>

#include "commands/context.h"
#include "seed/seed_input.h"
#include "state/state_files.h"
#include "vmspec.pb.h"

namespace qc::commands {

// The guest login: the VM's `user:`, else the name of the user running
// qemu-compose. false + *error if that name is not a valid login name.
bool LoginUser(const Context& ctx, const std::string& vm, std::string* user, std::string* error);

// The seed's input for the VM (NIC MACs in order), including what other
// features add to its cloud-config.
bool SeedInputFor(const Context& ctx, const std::string& vm, const std::vector<std::string>& macs,
                  seed::SeedInput* in, std::string* error);

// Writes the seed for the spec's NICs if it changed and adds it to the
// spec's disks (last, after the VM's disk and volumes). A new seed means a
// new instance with new host keys: the old ones of its addresses (from st)
// leave the project's known_hosts.
bool PrepareSeed(const Context& ctx, const std::string& vm, const state::VmState& st,
                 qc::vm::VmSpec* spec, std::string* error);

}  // namespace qc::commands
