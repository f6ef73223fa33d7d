// Questions the runner asks the host before building QEMU's command line.
#pragma once

#include <string>

namespace qc::runner {

// "" if path opens read-write (e.g. /dev/kvm, /dev/vhost-net), else why not.
std::string ProbeReadWrite(const std::string& path);

// The QEMU binary to exec: spec_binary if set, else $QEMU_COMPOSE_QEMU, else
// qemu-system-x86_64 from $PATH. False + err if it is not an executable file.
bool ResolveQemuBinary(const std::string& spec_binary, std::string* path, std::string* err);

}  // namespace qc::runner
