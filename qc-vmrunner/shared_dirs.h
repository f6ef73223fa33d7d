// Host directories shared with the guest: the vhost-user sockets and one
// qc-fsd (virtiofsd in a user namespace) per virtiofs directory, started
// before QEMU so that QEMU finds each socket listening.
#pragma once

#include <string>

#include "vmspec.pb.h"

namespace qc::runner {

// .qemu-compose/<vm>/fsN.sock, the vhost-user socket of shared_dirs(N).
std::string SharedDirSocket(const qc::vm::VmSpec& spec, int index);

// Binds each virtiofs directory's socket and starts qc-fsd on it (without
// waiting: it serves until QEMU disconnects). qc_fsd is qc-fsd's path;
// virtiofsd output goes to .qemu-compose/<vm>/virtiofsd.log.
bool StartVirtiofsDaemons(const qc::vm::VmSpec& spec, const std::string& qc_fsd,
                          std::string* error);

}  // namespace qc::runner
