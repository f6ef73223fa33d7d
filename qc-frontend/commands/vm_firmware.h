// `firmware: uefi`: OVMF's code (read-only, from the ovmf package) and the
// VM's own copy of its variable store, made once in the instance directory
// and kept across restarts (boot entries live there).
#pragma once

#include <string>

#include "commands/context.h"
#include "vmspec.pb.h"

namespace qc::commands {

// Sets spec's firmware fields for a UEFI VM (nothing for BIOS). false +
// *error if OVMF is not installed or the copy fails.
bool PrepareFirmware(const Context& ctx, const std::string& vm, qc::vm::VmSpec* spec,
                     std::string* error);

}  // namespace qc::commands
