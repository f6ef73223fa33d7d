// Makes sure the cache holds one URL's image: reuses a complete entry
// (checked against image_digest), revalidates it with ETag/Last-Modified
// when no digest pins it, or downloads it (resuming a partial download),
// inspects it and commits it. Pulls of one URL are serialised by a lock, so
// concurrent pulls download once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "images/cache_layout.h"
#include "images/image_digest.h"
#include "images/pull_progress.h"

namespace qc::images {

enum class PullMode {
  kIfMissing,  // up --pull missing: a cached entry is used without a request
  kRefresh,    // pull, up --pull always: ask the server unless a digest pins the entry
  kForce,      // pull --force: download again
  kCacheOnly,  // up --pull never: never a request; not cached = error
};

struct PullRequest {
  std::string url;  // normalised
  std::optional<Digest> want;
  PullMode mode = PullMode::kIfMissing;
  std::string label;  // for progress lines ("web: debian-12.qcow2")
  ProgressStyle style = ProgressStyle::kQuiet;
};

struct PulledImage {
  std::string path;    // absolute path of the read-only image file
  std::string format;  // "qcow2" or "raw"
  Digest digest;       // want, else the entry's sha256
  std::uint64_t size = 0;
  std::uint64_t virtual_size = 0;
  bool downloaded = false;  // false: the cache had it
};

// false + *error (one line, without the URL: the caller names the image).
bool PullImage(const CacheLayout& cache, const PullRequest& request, PulledImage* out,
               std::string* error);

}  // namespace qc::images
