// `image_digest:` values: "sha256:<hex>" or "sha512:<hex>".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace qc::images {

enum class DigestAlgo { kSha256, kSha512 };

struct Digest {
  DigestAlgo algo = DigestAlgo::kSha256;
  std::string hex;               // lowercase
  std::string ToString() const;  // "sha256:<hex>"
  bool operator==(const Digest&) const = default;
};

// Parses "sha256:<64 hex>" or "sha512:<128 hex>" (hex in either case).
std::optional<Digest> ParseDigest(std::string_view text, std::string* error);
const char* AlgoName(DigestAlgo algo);

}  // namespace qc::images
