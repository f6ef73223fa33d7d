// Where the per-user image cache keeps things. One entry per URL, named by
// a hash of the URL (never its basename: two URLs ending in disk.qcow2 must
// not collide):
//
//   $XDG_CACHE_HOME/qemu-compose/images/      (default ~/.cache/...)
//     <key>/meta.json           URL, digests, size, format, validators (0444, replaced by rename)
//     <key>/<algo>-<hex>.img    the image, named by its digest (0444, never changed)
//     <key>/refs/<hash>         symlinks to the VM overlays backed by it
//     <key>.lock                flock: one pull of a URL at a time
//     <key>.partial[.json]      an interrupted download and what resuming it needs
//
// A new version of a URL's content is a new .img file beside the old one, so
// an overlay backed by the old file keeps working until it is removed.
#pragma once

#include <optional>
#include <string>

#include "images/image_digest.h"

namespace qc::images {

struct CacheLayout {
  std::string root;  // .../qemu-compose/images, absolute

  // $XDG_CACHE_HOME if set and absolute, else $HOME/.cache, else the
  // passwd entry's home.
  static std::optional<CacheLayout> ForUser(std::string* error);

  static std::string KeyOf(const std::string& normalized_url);
  std::string EntryDir(const std::string& key) const { return root + "/" + key; }
  std::string Meta(const std::string& key) const { return EntryDir(key) + "/meta.json"; }
  std::string RefsDir(const std::string& key) const { return EntryDir(key) + "/refs"; }
  std::string Data(const std::string& key, const Digest& d) const;
  std::string Lock(const std::string& key) const { return root + "/" + key + ".lock"; }
  std::string Partial(const std::string& key) const { return root + "/" + key + ".partial"; }
  std::string PartialMeta(const std::string& key) const { return Partial(key) + ".json"; }
};

// The data file's name inside an entry: "<algo>-<hex>.img".
std::string DataFileName(const Digest& d);

}  // namespace qc::images
