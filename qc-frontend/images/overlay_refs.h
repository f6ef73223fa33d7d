// Which VM overlays are backed by a cache entry: each overlay made from an
// entry leaves a symlink in <entry>/refs/ pointing at it; an overlay counts
// as a user while it exists and its qcow2 header still names a file of the
// entry as its backing file (so a deleted or recreated overlay stops
// counting on its own).
#pragma once

#include <string>
#include <vector>

#include "images/cache_layout.h"

namespace qc::images {

// Records that `overlay` (absolute) is backed by an image of entry `key`.
bool RecordOverlay(const CacheLayout& cache, const std::string& key, const std::string& overlay,
                   std::string* error);

// The overlays backed by `data_path` (an image file of entry `key`), or by
// any image of the entry if data_path is "". Refs that no longer count are
// removed.
std::vector<std::string> OverlaysUsing(const CacheLayout& cache, const std::string& key,
                                       const std::string& data_path);

}  // namespace qc::images
