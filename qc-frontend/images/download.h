// Downloads a URL into the cache's .partial file, hashing as the bytes
// arrive (never a second pass over the data). An interrupted download
// resumes with a Range request (If-Range pins the version); what resuming
// needs is kept in .partial.json from the first byte on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "images/cache_meta.h"
#include "images/image_digest.h"
#include "images/pull_progress.h"

namespace qc::images {

struct DownloadRequest {
  std::string url;
  std::string partial;       // where the bytes go
  std::string partial_meta;  // PartialMeta of those bytes
  std::optional<Digest> want;
  Validators if_changed;  // set: a revalidation of a cached copy
  PullProgress* progress = nullptr;
};

struct DownloadResult {
  Digest digest;  // of want's algorithm, else sha256
  std::uint64_t size = 0;
  Validators validators;
  bool resumed = false;
};

enum class DownloadOutcome { kDone, kNotModified, kFailed };

// kDone: the partial file holds the whole image, fsynced, matching `want`.
// kFailed: *error is one line. A lost connection or a stall keeps the
// partial file for the next attempt; anything else (HTTP errors, a digest
// mismatch) removes it, so nothing is left cached.
DownloadOutcome Download(const DownloadRequest& request, DownloadResult* result,
                         std::string* error);

// Removes .partial and .partial.json.
void DiscardPartial(const std::string& partial, const std::string& partial_meta);

}  // namespace qc::images
