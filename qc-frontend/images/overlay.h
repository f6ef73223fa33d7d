// A VM's disk: a qcow2 overlay in .qemu-compose/<vm>/ on top of its image.
// The base is the read-only cache file (or the inspected local file) named
// by its absolute path, with its format pinned in the overlay (-F), so QEMU
// never probes or follows anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "images/image_digest.h"

namespace qc::images {

struct BaseImage {
  std::string path;    // absolute
  std::string format;  // "qcow2" or "raw"
  std::uint64_t virtual_size = 0;
  std::string cache_key;  // "" for a local file
};

// What a VM's `image:` (normalised URL or absolute path) boots from, without
// the network: a URL must already be in the cache (up pulls first); a local
// file is inspected now, and checked against `digest` if given.
bool ResolveBaseImage(const std::string& image, const std::string& digest, BaseImage* base,
                      std::string* error);

// Creates the overlay (size_bytes 0 = the image's own size; smaller than the
// image is refused) and records it in the cache entry, so `image rm` knows
// it is in use.
bool CreateOverlay(const BaseImage& base, const std::string& overlay, std::uint64_t size_bytes,
                   std::string* error);

}  // namespace qc::images
