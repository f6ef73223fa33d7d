#include "accel.h"

namespace qc::runner {

bool ChooseAccel(const std::string& spec_accel, const char* env_accel, const std::string& kvm_error,
                 AccelChoice* out, std::string* err) {
  std::string wanted = spec_accel;
  std::string source = "the VM spec";
  if (wanted.empty() && env_accel != nullptr && env_accel[0] != '\0') {
    wanted = env_accel;
    source = "QEMU_COMPOSE_ACCEL";
  }
  if (wanted.empty()) {
    if (kvm_error.empty()) {
      out->accel = "kvm";
      out->warning.clear();
    } else {
      out->accel = "tcg";
      out->warning =
          "warning: KVM is not usable (" + kvm_error + "), falling back to TCG emulation (slow)";
    }
    return true;
  }
  if (wanted != "kvm" && wanted != "tcg") {
    *err = source + " asks for accel \"" + wanted + "\": use kvm or tcg";
    return false;
  }
  if (wanted == "kvm" && !kvm_error.empty()) {
    *err = source + " asks for accel kvm, but KVM is not usable: " + kvm_error;
    return false;
  }
  out->accel = wanted;
  out->warning.clear();
  return true;
}

}  // namespace qc::runner
