#include "images/cache_admin.h"

#include <algorithm>
#include <filesystem>

#include "images/cache_entry.h"
#include "images/image_url.h"
#include "images/overlay_refs.h"
#include "images/url_lock.h"
#include "state/atomic_file.h"

namespace qc::images {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMinDigestPrefix = 12;

std::uint64_t ImageBytes(const std::string& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(dir, ec)) {
    std::error_code size_ec;
    if (f.path().extension() == ".img") {
      std::uintmax_t size = fs::file_size(f.path(), size_ec);
      total += size_ec ? 0 : size;
    }
  }
  return total;
}

std::uint64_t TreeBytes(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    std::uintmax_t size = fs::file_size(path, ec);
    return ec ? 0 : size;
  }
  return ImageBytes(path.string());
}

bool IsKey(const std::string& name) {
  return name.size() == 32 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::vector<CachedImage> ListCache(const CacheLayout& cache) {
  std::vector<CachedImage> out;
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator(cache.root, ec)) {
    const std::string key = dir.path().filename().string();
    CachedImage img;
    if (!IsKey(key) || !dir.is_directory() || !LoadEntry(cache, key, &img.meta, &img.data_path)) {
      continue;
    }
    img.key = key;
    img.disk_bytes = ImageBytes(cache.EntryDir(key));
    img.users = OverlaysUsing(cache, key, "");
    out.push_back(std::move(img));
  }
  std::sort(out.begin(), out.end(),
            [](const CachedImage& a, const CachedImage& b) { return a.meta.url < b.meta.url; });
  return out;
}

bool MatchCached(const std::vector<CachedImage>& cached, const std::string& target,
                 std::vector<std::string>* keys, std::string* error) {
  if (LooksLikeUrl(target)) {
    std::optional<std::string> url = NormalizeImageUrl(target, error);
    if (!url) {
      return false;
    }
    for (const auto& c : cached) {
      if (c.meta.url == *url) {
        keys->push_back(c.key);
        return true;
      }
    }
    *error = "no cached image for " + *url;
    return false;
  }
  std::string algo;
  std::string prefix = target;
  if (std::size_t colon = target.find(':'); colon != std::string::npos) {
    algo = target.substr(0, colon);
    prefix = target.substr(colon + 1);
  }
  bool hex = std::all_of(prefix.begin(), prefix.end(),
                         [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (prefix.size() < kMinDigestPrefix || !hex ||
      (!algo.empty() && algo != "sha256" && algo != "sha512")) {
    *error = "'" + target + "' is neither an image URL nor a digest (sha256:<hex>, or at least " +
             std::to_string(kMinDigestPrefix) + " hex digits)";
    return false;
  }
  std::vector<std::string> found;
  for (const auto& c : cached) {
    for (const auto& [a, h] : c.meta.digests) {
      if ((algo.empty() || a == algo) && h.starts_with(prefix)) {
        found.push_back(c.key);
        break;
      }
    }
  }
  if (found.empty()) {
    *error = "no cached image has digest " + target;
    return false;
  }
  if (found.size() > 1) {
    *error = "digest " + target + " matches " + std::to_string(found.size()) +
             " cached images; give more digits";
    return false;
  }
  keys->push_back(found.front());
  return true;
}

bool RemoveCached(const CacheLayout& cache, const CachedImage& entry, bool force,
                  std::uint64_t* freed, std::string* error) {
  UrlLock lock;
  if (!lock.TryAcquire(cache.Lock(entry.key), error)) {
    *error = entry.meta.url + ": " + *error;
    return false;
  }
  std::vector<std::string> users = OverlaysUsing(cache, entry.key, "");
  if (!users.empty() && !force) {
    std::string list;
    for (const auto& u : users) {
      list += (list.empty() ? "" : ", ") + u;
    }
    *error = entry.meta.url + " is used by " + std::to_string(users.size()) + " VM disk" +
             (users.size() == 1 ? "" : "s") + " (" + list +
             "); `qemu-compose destroy` those VMs first, or use --force";
    return false;
  }
  std::uint64_t bytes = ImageBytes(cache.EntryDir(entry.key));
  if (!state::RemoveTree(cache.EntryDir(entry.key), error)) {
    return false;
  }
  *freed += bytes;
  return true;
}

PruneResult PruneCache(const CacheLayout& cache) {
  PruneResult result;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (const auto& p : fs::directory_iterator(cache.root, ec)) {
    paths.push_back(p.path());
  }
  for (const fs::path& path : paths) {
    const std::string name = path.filename().string();
    const std::string key = name.substr(0, name.find('.'));
    if (!IsKey(key) || name.ends_with(".lock")) {
      continue;
    }
    UrlLock lock;
    std::string ignored;
    if (!lock.TryAcquire(cache.Lock(key), &ignored)) {
      continue;  // being pulled right now
    }
    if (name != key) {  // <key>.partial, <key>.partial.json
      result.freed += TreeBytes(path);
      fs::remove(path, ec);
      continue;
    }
    CacheMeta meta;
    std::string data_path;
    bool complete = LoadEntry(cache, key, &meta, &data_path);
    if (!complete || OverlaysUsing(cache, key, "").empty()) {
      std::uint64_t bytes = ImageBytes(path.string());
      if (state::RemoveTree(path.string(), &ignored)) {
        result.freed += bytes;
        result.removed.push_back(complete ? meta.url : "(incomplete entry " + key + ")");
      }
      continue;
    }
    result.freed += RemoveUnusedData(cache, key, meta.data);
  }
  return result;
}

}  // namespace qc::images
