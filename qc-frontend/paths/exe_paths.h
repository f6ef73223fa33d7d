// Finds the helper and the runner next to this executable:
// <prefix>/bin/qemu-compose -> <prefix>/<libexec>/qemu-compose/<tool>.
// The build tree has the same layout (<build>/bin, <build>/libexec/...).
#pragma once

#include <string>

namespace qc::paths {

// Directory holding qc-netd-helper and qc-vmrunner for the running binary.
std::string LibexecDir();
// QEMU_COMPOSE_HELPER overrides (development only: the helper's privileges
// come from its file capabilities, so pointing elsewhere grants nothing).
std::string HelperPath();
// QEMU_COMPOSE_RUNNER overrides.
std::string RunnerPath();
// Pure part, for tests: exe "/p/bin/qemu-compose" -> "/p/<libexec_rel>".
std::string LibexecDirFor(const std::string& exe_path, const std::string& libexec_rel);

}  // namespace qc::paths
