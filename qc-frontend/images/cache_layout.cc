#include "images/cache_layout.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "naming/digest.h"

namespace qc::images {
namespace {

std::string PasswdHome() {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* result = nullptr;
  if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &result) != 0 || result == nullptr ||
      pw.pw_dir == nullptr) {
    return "";
  }
  return pw.pw_dir;
}

}  // namespace

std::optional<CacheLayout> CacheLayout::ForUser(std::string* error) {
  std::string base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    base = std::string(home) + "/.cache";
  } else if (std::string pw_home = PasswdHome(); !pw_home.empty() && pw_home[0] == '/') {
    base = pw_home + "/.cache";
  } else {
    *error = "cannot find the image cache: set XDG_CACHE_HOME or HOME to an absolute path";
    return std::nullopt;
  }
  while (base.size() > 1 && base.back() == '/') {
    base.pop_back();
  }
  return CacheLayout{base + "/qemu-compose/images"};
}

std::string CacheLayout::KeyOf(const std::string& normalized_url) {
  // 128 bits of SHA-256: collision-free in practice, short enough for paths.
  return naming::Sha256Hex(normalized_url).substr(0, 32);
}

std::string DataFileName(const Digest& d) {
  return std::string(AlgoName(d.algo)) + "-" + d.hex + ".img";
}

std::string CacheLayout::Data(const std::string& key, const Digest& d) const {
  return EntryDir(key) + "/" + DataFileName(d);
}

}  // namespace qc::images
