// A cache entry as a whole: finding a complete one, committing a finished
// download into it, and removing image files no overlay uses any more.
#pragma once

#include <string>

#include "images/cache_layout.h"
#include "images/cache_meta.h"
#include "images/image_format.h"

namespace qc::images {

// True if entry `key` is complete: valid meta.json whose image file exists
// with the recorded size. *data_path is that file.
bool LoadEntry(const CacheLayout& cache, const std::string& key, CacheMeta* meta,
               std::string* data_path);

// Moves the finished partial download into the entry as a read-only file
// named by its digest, then replaces meta.json (the commit point). Older
// image files of the entry that no overlay uses are removed.
bool CommitEntry(const CacheLayout& cache, const std::string& key, const std::string& partial,
                 const CacheMeta& meta, std::string* error);

// Adds a digest of another algorithm to an entry (hashing its file once),
// for an image_digest given after the image was pulled without it.
bool AddDigest(const CacheLayout& cache, const std::string& key, DigestAlgo algo, CacheMeta* meta,
               std::string* error);

// Removes image files of the entry other than keep (a file name) that no
// overlay uses. Returns the bytes freed.
std::uint64_t RemoveUnusedData(const CacheLayout& cache, const std::string& key,
                               const std::string& keep);

}  // namespace qc::images
