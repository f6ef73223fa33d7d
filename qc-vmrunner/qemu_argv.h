// The QEMU command line for one VM, as a pure function of the spec and what
// the runner found out about the host (so every kind of spec is unit-tested
// as an exact argv).
#pragma once

#include <string>
#include <vector>

#include "vmspec.pb.h"

namespace qc::runner {

struct QemuHostFacts {
  std::string qemu_binary;     // argv[0]
  std::string accel;           // "kvm" or "tcg" (see accel.h)
  std::vector<int> tap_fds;    // fd number of each tap_fd_index, as QEMU inherits it
  std::vector<int> vhost_fds;  // empty: no vhost; else one /dev/vhost-net fd per tap fd
};

// Files QEMU creates in the instance directory.
inline constexpr const char* kQmpSocketName = "qmp.sock";
inline constexpr const char* kConsoleSocketName = "console.sock";
inline constexpr const char* kSerialLogName = "serial.log";
inline constexpr const char* kPidFileName = "qemu.pid";

// QEMU's option syntax uses ',' as separator; a literal comma is ",,".
std::string EscapeOptionValue(const std::string& value);

std::vector<std::string> BuildQemuArgv(const qc::vm::VmSpec& spec, const QemuHostFacts& facts);

}  // namespace qc::runner
