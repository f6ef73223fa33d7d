#include "images/overlay_refs.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "images/image_format.h"
#include "naming/digest.h"
#include "state/atomic_file.h"

namespace qc::images {

bool RecordOverlay(const CacheLayout& cache, const std::string& key, const std::string& overlay,
                   std::string* error) {
  const std::string dir = cache.RefsDir(key);
  if (!state::MakeDirs(dir, error)) {
    return false;
  }
  const std::string link = dir + "/" + naming::Sha256Hex(overlay).substr(0, 24);
  const std::string tmp = link + ".tmp." + std::to_string(getpid());
  unlink(tmp.c_str());
  if (symlink(overlay.c_str(), tmp.c_str()) != 0 || rename(tmp.c_str(), link.c_str()) != 0) {
    *error = "cannot record the overlay in " + dir + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::vector<std::string> OverlaysUsing(const CacheLayout& cache, const std::string& key,
                                       const std::string& data_path) {
  namespace fs = std::filesystem;
  std::vector<std::string> users;
  const std::string entry_prefix = cache.EntryDir(key) + "/";
  std::error_code ec;
  for (const auto& ref : fs::directory_iterator(cache.RefsDir(key), ec)) {
    std::error_code link_ec;
    fs::path target = fs::read_symlink(ref.path(), link_ec);
    if (link_ec) {
      continue;
    }
    const std::string backing = Qcow2BackingFile(target.string());
    bool of_entry = backing.starts_with(entry_prefix) &&
                    backing.find('/', entry_prefix.size()) == std::string::npos;
    if (!of_entry) {
      fs::remove(ref.path(), link_ec);  // the overlay is gone or was recreated
      continue;
    }
    if (data_path.empty() || backing == data_path) {
      users.push_back(target.string());
    }
  }
  return users;
}

}  // namespace qc::images
