// Test users, the installed product and scratch directories, all prepared by
// the `itest` setup fixture (tests/integration/setup.sh).
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "harness.h"

namespace qc::itest {
namespace {

User LookUpUser(const char* name) {
  passwd* pw = getpwnam(name);
  if (pw == nullptr) {
    throw std::runtime_error(std::string("test user '") + name +
                             "' does not exist: run the integration tests through ctest "
                             "(its itest setup fixture creates it)");
  }
  return User{pw->pw_name, pw->pw_uid, pw->pw_gid, pw->pw_dir};
}

// Scratch dirs are removed when the test process exits.
struct ScratchRegistry {
  std::mutex mu;
  std::vector<std::string> dirs;
  ~ScratchRegistry() {
    for (const auto& d : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  }
};
ScratchRegistry& Scratch() {
  static ScratchRegistry registry;
  return registry;
}

void RequireFile(const std::string& path, const char* what) {
  if (access(path.c_str(), R_OK) != 0) {
    throw std::runtime_error(std::string(what) + " missing at " + path + " (" + strerror(errno) +
                             "): the itest setup fixture did not install it");
  }
}

}  // namespace

const User& UserA() {
  static const User u = LookUpUser("qc-it-a");
  return u;
}

const User& UserB() {
  static const User u = LookUpUser("qc-it-b");
  return u;
}

const Install& GetInstall() {
  static const Install install = [] {
    const char* prefix = getenv("QC_IT_PREFIX");
    if (prefix == nullptr || *prefix == '\0') {
      throw std::runtime_error(
          "QC_IT_PREFIX is not set: run integration tests through ctest (-L integration), "
          "which installs the product and sets it");
    }
    Install i;
    i.prefix = prefix;
    i.frontend = i.prefix + "/bin/qemu-compose";
    i.helper = i.prefix + "/libexec/qemu-compose/qc-netd-helper";
    i.runner = i.prefix + "/libexec/qemu-compose/qc-vmrunner";
    i.guest_kernel = i.prefix + "/share/qemu-compose/guest/vmlinuz";
    i.guest_initrd = i.prefix + "/share/qemu-compose/guest/initramfs.gz";
    // Binaries may not exist while their part is unfinished; the guest must.
    RequireFile(i.guest_kernel, "guest kernel");
    RequireFile(i.guest_initrd, "guest initramfs");
    return i;
  }();
  return install;
}

std::string ScratchDir(const User& u) {
  char tmpl[] = "/tmp/qcit-scratch-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + strerror(errno));
  }
  std::string dir = tmpl;
  if (chown(dir.c_str(), u.uid, u.gid) != 0 || chmod(dir.c_str(), 0755) != 0) {
    throw std::runtime_error("chown/chmod " + dir + ": " + strerror(errno));
  }
  std::lock_guard<std::mutex> lock(Scratch().mu);
  Scratch().dirs.push_back(dir);
  return dir;
}

}  // namespace qc::itest
