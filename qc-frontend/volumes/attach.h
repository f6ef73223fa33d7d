// Everything a VM's `volumes:` list puts into its VmSpec: named volumes as
// disks (volume_disk.h) and host directories as shared directories, over
// virtiofs where this host can run virtiofsd as the user, else 9p.
#pragma once

#include <string>
#include <vector>

#include "commands/context.h"
#include "vmspec.pb.h"

namespace qc::volumes {

// "" if virtiofs works here (Debian's virtiofsd is installed and user
// namespaces are enabled), else why not.
std::string VirtiofsUnavailableReason();

// The tag the guest mounts host directory number `index` (counting only
// the VM's host directories, in the order it lists them) by: "qc:share0".
std::string ShareTag(int index);

// Running VMs of the compose file that have the volume attached: "a, b".
std::string RunningUsers(const commands::Context& ctx, const std::string& volume);

// For VMs `up` leaves running: a note for each of their volumes whose disk
// size differs from the compose file's (it changes only at a start).
void NoteUnappliedSizes(const commands::Context& ctx, const std::vector<std::string>& vms);

// Adds the VM's volume disks (made, or grown to the compose file's size,
// first) and shared directories to *spec. A missing
// host directory is created (as docker compose does). Says on ctx.out when
// it falls back to 9p.
bool AttachVolumes(const commands::Context& ctx, const std::string& vm, qc::vm::VmSpec* spec,
                   std::string* error);

}  // namespace qc::volumes
