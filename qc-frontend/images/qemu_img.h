// Running qemu-img on an untrusted image: through the process launcher,
// under CPU, address-space and wall-clock limits.
#pragma once

#include <string>
#include <vector>

namespace qc::images {

struct QemuImgRun {
  bool ok = false;
  std::string out;      // stdout (JSON for `info --output=json`)
  std::string failure;  // "exited with status 1: <first stderr line>", "timed out after 60 s"
};

// qemu-img ARGS... (found in PATH), with stdout captured.
QemuImgRun RunQemuImg(const std::vector<std::string>& args);

}  // namespace qc::images
