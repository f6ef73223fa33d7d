#include "images/cache_entry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "images/hasher.h"
#include "images/overlay_refs.h"
#include "state/atomic_file.h"

namespace qc::images {

bool LoadEntry(const CacheLayout& cache, const std::string& key, CacheMeta* meta,
               std::string* data_path) {
  std::string ignored;
  if (!ReadCacheMeta(cache.Meta(key), meta, &ignored)) {
    return false;
  }
  *data_path = cache.EntryDir(key) + "/" + meta->data;
  struct stat st {};
  return stat(data_path->c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<std::uint64_t>(st.st_size) == meta->size;
}

bool CommitEntry(const CacheLayout& cache, const std::string& key, const std::string& partial,
                 const CacheMeta& meta, std::string* error) {
  if (!state::MakeDirs(cache.EntryDir(key), error)) {
    return false;
  }
  const std::string data = cache.EntryDir(key) + "/" + meta.data;
  if (chmod(partial.c_str(), 0444) != 0 || rename(partial.c_str(), data.c_str()) != 0) {
    *error = "cannot move the download into " + cache.EntryDir(key) + ": " + std::strerror(errno);
    return false;
  }
  if (!state::WriteFileAtomic(cache.Meta(key), ToJson(meta), error, 0444)) {
    return false;
  }
  RemoveUnusedData(cache, key, meta.data);
  return true;
}

bool AddDigest(const CacheLayout& cache, const std::string& key, DigestAlgo algo, CacheMeta* meta,
               std::string* error) {
  Digest d;
  if (!HashFile(cache.EntryDir(key) + "/" + meta->data, algo, &d, error)) {
    return false;
  }
  meta->digests[AlgoName(algo)] = d.hex;
  return state::WriteFileAtomic(cache.Meta(key), ToJson(*meta), error, 0444);
}

std::uint64_t RemoveUnusedData(const CacheLayout& cache, const std::string& key,
                               const std::string& keep) {
  namespace fs = std::filesystem;
  std::uint64_t freed = 0;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(cache.EntryDir(key), ec)) {
    const std::string name = file.path().filename().string();
    if (name == keep || !name.ends_with(".img") || name.starts_with(".")) {
      continue;
    }
    if (!OverlaysUsing(cache, key, file.path().string()).empty()) {
      continue;
    }
    std::error_code size_ec;
    std::uintmax_t size = fs::file_size(file.path(), size_ec);
    if (fs::remove(file.path(), size_ec) && size != static_cast<std::uintmax_t>(-1)) {
      freed += size;
    }
  }
  return freed;
}

}  // namespace qc::images
