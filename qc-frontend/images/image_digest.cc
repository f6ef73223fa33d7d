#include "images/image_digest.h"

#include <algorithm>
#include <cctype>

namespace qc::images {
const char* AlgoName(DigestAlgo algo) {
  return algo == DigestAlgo::kSha256 ? "sha256" : "sha512";
}

std::string Digest::ToString() const {
  return std::string(AlgoName(algo)) + ":" + hex;
}

std::optional<Digest> ParseDigest(std::string_view text, std::string* error) {
  Digest d;
  std::size_t want = 0;
  if (text.starts_with("sha256:")) {
    d.algo = DigestAlgo::kSha256;
    want = 64;
  } else if (text.starts_with("sha512:")) {
    d.algo = DigestAlgo::kSha512;
    want = 128;
  }
  std::string_view hex = text.substr(text.find(':') + 1);
  bool all_hex = !hex.empty() && std::all_of(hex.begin(), hex.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (want == 0 || hex.size() != want || !all_hex) {
    *error = "invalid digest '" + std::string(text) +
             "' (use sha256:<64 hex digits> or sha512:<128 hex digits>)";
    return std::nullopt;
  }
  for (char c : hex) {
    d.hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return d;
}

}  // namespace qc::images
