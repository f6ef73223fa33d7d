#include "host_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace qc::runner {
namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string ProbeReadWrite(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return path + ": " + std::strerror(errno);
  }
  close(fd);
  return "";
}

bool ResolveQemuBinary(const std::string& spec_binary, std::string* path, std::string* err) {
  std::string source;
  std::string candidate;
  const char* env = std::getenv("QEMU_COMPOSE_QEMU");
  if (!spec_binary.empty()) {
    candidate = spec_binary;
    source = "qemu_binary from the VM spec";
  } else if (env != nullptr && env[0] != '\0') {
    candidate = env;
    source = "QEMU_COMPOSE_QEMU";
    if (candidate[0] != '/') {
      *err = source + " must be an absolute path, got \"" + candidate + "\"";
      return false;
    }
  }
  if (!candidate.empty()) {
    if (!IsExecutableFile(candidate)) {
      *err = source + " " + candidate + " is not an executable file";
      return false;
    }
    *path = candidate;
    return true;
  }
  const char* env_path = std::getenv("PATH");
  std::string dirs = env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    std::string dir = dirs.substr(start, end - start);
    // Relative PATH entries would depend on the runner's cwd; skip them.
    if (!dir.empty() && dir[0] == '/' && IsExecutableFile(dir + "/qemu-system-x86_64")) {
      *path = dir + "/qemu-system-x86_64";
      return true;
    }
    start = end + 1;
  }
  *err = "qemu-system-x86_64 not found in PATH (" + dirs +
         "); install qemu-system-x86 or set QEMU_COMPOSE_QEMU";
  return false;
}

}  // namespace qc::runner
