// The whole cache, for `image ls`, `image rm` and `image prune`. Nothing
// an existing VM overlay is backed by is removed without force.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "images/cache_layout.h"
#include "images/cache_meta.h"

namespace qc::images {

struct CachedImage {
  std::string key;
  CacheMeta meta;
  std::string data_path;           // the current image file
  std::uint64_t disk_bytes = 0;    // all image files of the entry
  std::vector<std::string> users;  // overlays backed by any of them
};

// Complete entries, sorted by URL.
std::vector<CachedImage> ListCache(const CacheLayout& cache);

// Finds the entry keys a `image rm` argument names: a URL, or a digest
// ("sha256:<hex>", or a hex prefix of at least 12 digits). false + error if
// none, or a prefix is ambiguous.
bool MatchCached(const std::vector<CachedImage>& cached, const std::string& target,
                 std::vector<std::string>* keys, std::string* error);

// Removes an entry (skipped while a pull of it runs). Refused while
// overlays use it, unless force.
bool RemoveCached(const CacheLayout& cache, const CachedImage& entry, bool force,
                  std::uint64_t* freed, std::string* error);

struct PruneResult {
  std::vector<std::string> removed;  // URLs
  std::uint64_t freed = 0;
};
// Removes every entry no overlay uses, older image files nothing uses,
// interrupted downloads and incomplete entries; leaves alone whatever a
// running pull holds.
PruneResult PruneCache(const CacheLayout& cache);

}  // namespace qc::images
