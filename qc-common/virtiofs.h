// Where Debian's qemu-system-common puts the C virtiofsd (QEMU 7.2). The
// frontend probes it to choose virtiofs or 9p; qc-vmrunner runs it.
#pragma once

namespace qc {

inline constexpr const char* kVirtiofsdPath = "/usr/lib/qemu/virtiofsd";

}  // namespace qc
