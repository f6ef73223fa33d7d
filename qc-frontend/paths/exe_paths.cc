#include "exe_paths.h"

#include <cstdlib>
#include <filesystem>

#ifndef QC_LIBEXECDIR_REL
#define QC_LIBEXECDIR_REL "libexec/qemu-compose"
#endif

namespace qc::paths {

std::string LibexecDirFor(const std::string& exe_path, const std::string& libexec_rel) {
  std::filesystem::path bin_dir = std::filesystem::path(exe_path).parent_path();
  return (bin_dir.parent_path() / libexec_rel).lexically_normal().string();
}

std::string LibexecDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return LibexecDirFor(ec ? "/usr/local/bin/qemu-compose" : exe.string(), QC_LIBEXECDIR_REL);
}

std::string HelperPath() {
  const char* env = std::getenv("QEMU_COMPOSE_HELPER");
  return env != nullptr && *env != '\0' ? env : LibexecDir() + "/qc-netd-helper";
}

std::string RunnerPath() {
  const char* env = std::getenv("QEMU_COMPOSE_RUNNER");
  return env != nullptr && *env != '\0' ? env : LibexecDir() + "/qc-vmrunner";
}

}  // namespace qc::paths
