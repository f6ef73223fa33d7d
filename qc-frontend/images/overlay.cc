#include "images/overlay.h"

#include <unistd.h>

#include "images/byte_units.h"
#include "images/cache_layout.h"
#include "images/hasher.h"
#include "images/image_inspect.h"
#include "images/image_url.h"
#include "images/overlay_refs.h"
#include "images/puller.h"
#include "images/qemu_img.h"
#include "images/url_lock.h"

namespace qc::images {

bool ResolveBaseImage(const std::string& image, const std::string& digest, BaseImage* base,
                      std::string* error) {
  std::optional<Digest> want;
  if (!digest.empty() && !(want = ParseDigest(digest, error))) {
    return false;
  }
  if (LooksLikeUrl(image)) {
    std::optional<CacheLayout> cache = CacheLayout::ForUser(error);
    if (!cache) {
      return false;
    }
    PullRequest req;
    req.url = image;
    req.want = want;
    req.mode = PullMode::kCacheOnly;
    PulledImage pulled;
    if (!PullImage(*cache, req, &pulled, error)) {
      *error = "image " + image + ": " + *error;
      return false;
    }
    *base = BaseImage{pulled.path, pulled.format, pulled.virtual_size, CacheLayout::KeyOf(image)};
    return true;
  }
  ImageFacts facts;
  std::string reason;
  if (!InspectImage(image, &facts, &reason)) {
    *error = "image " + image + " " + reason;
    return false;
  }
  if (want) {
    Digest got;
    if (!HashFile(image, want->algo, &got, error)) {
      return false;
    }
    if (got != *want) {
      *error = "image " + image + ": digest mismatch: expected " + want->ToString() + ", got " +
               got.ToString();
      return false;
    }
  }
  *base = BaseImage{image, facts.format, facts.virtual_size, ""};
  return true;
}

bool CreateOverlay(const BaseImage& base, const std::string& overlay, std::uint64_t size_bytes,
                   std::string* error) {
  if (size_bytes != 0 && size_bytes < base.virtual_size) {
    *error = "disk size " + FormatBytes(size_bytes) + " is smaller than the image (" +
             FormatBytes(base.virtual_size) + ")";
    return false;
  }
  // A cache entry is locked while its overlay is made and recorded, so an
  // `image prune` or `rm` at the same moment cannot remove it in between.
  std::optional<CacheLayout> cache;
  UrlLock lock;
  if (!base.cache_key.empty()) {
    bool waited = false;
    if (!(cache = CacheLayout::ForUser(error)) ||
        !lock.Acquire(
            cache->Lock(base.cache_key), [] {}, &waited, error)) {
      return false;
    }
    if (access(base.path.c_str(), R_OK) != 0) {
      *error = "the cached image " + base.path + " was removed meanwhile; run the command again";
      return false;
    }
  }
  std::vector<std::string> args{"create",    "-q", "-f",      "qcow2", "-F",
                                base.format, "-b", base.path, overlay};
  if (size_bytes != 0) {
    args.push_back(std::to_string(size_bytes));
  }
  QemuImgRun run = RunQemuImg(args);
  if (!run.ok) {
    unlink(overlay.c_str());
    *error = "qemu-img create " + overlay + " " + run.failure;
    return false;
  }
  if (cache && !RecordOverlay(*cache, base.cache_key, overlay, error)) {
    unlink(overlay.c_str());
    return false;
  }
  return true;
}

}  // namespace qc::images
