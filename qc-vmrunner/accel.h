// Choosing QEMU's accelerator. Precedence: the spec's accel, then the
// environment variable QEMU_COMPOSE_ACCEL, then auto (kvm when /dev/kvm opens
// read-write, else tcg with a warning). An explicit "kvm" that cannot work is
// an error, not a silent fallback.
#pragma once

#include <string>

namespace qc::runner {

struct AccelChoice {
  std::string accel;    // "kvm" or "tcg"
  std::string warning;  // one line for the log when auto fell back to tcg
};

// spec_accel: "", "kvm" or "tcg". env_accel: value of QEMU_COMPOSE_ACCEL or
// nullptr. kvm_error: "" when /dev/kvm is usable, else why not.
bool ChooseAccel(const std::string& spec_accel, const char* env_accel, const std::string& kvm_error,
                 AccelChoice* out, std::string* err);

}  // namespace qc::runner
