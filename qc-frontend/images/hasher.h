// The streaming hash that checks an image while it downloads (nettle), and
// hashing a file already on disk.
#pragma once

#include <nettle/sha2.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "images/image_digest.h"

namespace qc::images {

// One running hash; Update as bytes arrive, Finish once.
class Hasher {
 public:
  explicit Hasher(DigestAlgo algo);
  void Update(const void* data, std::size_t size);
  Digest Finish();
  DigestAlgo algo() const { return algo_; }

 private:
  DigestAlgo algo_;
  sha256_ctx sha256_{};
  sha512_ctx sha512_{};
};

// Hashes a whole file (a local image, or the part of a download already on
// disk when it resumes). false + error if it cannot be read.
bool HashFile(const std::string& path, DigestAlgo algo, Digest* out, std::string* error);
// Feeds the first `bytes` bytes of an open file into *hasher.
bool HashPrefix(int fd, std::uint64_t bytes, Hasher* hasher, std::string* error);

}  // namespace qc::images
