// meta.json of a cache entry and the .partial.json of an interrupted
// download: what they hold, and reading/writing them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "images/image_digest.h"

namespace qc::images {

// HTTP validators: how to ask "has it changed?" and "is it the same
// resource I got half of?".
struct Validators {
  std::string etag;           // as sent, quotes included
  std::string last_modified;  // as sent
  bool empty() const { return etag.empty() && last_modified.empty(); }
};

struct CacheMeta {
  std::string url;   // normalised
  std::string data;  // data file name inside the entry
  std::map<std::string, std::string>
      digests;                     // "sha256" -> hex, ...; the data file's name uses one
  std::uint64_t size = 0;          // bytes of the data file
  std::string format;              // "qcow2" or "raw"
  std::uint64_t virtual_size = 0;  // bytes the guest sees
  Validators validators;
  std::int64_t pulled_at = 0;  // unix seconds

  std::optional<Digest> DigestFor(DigestAlgo algo) const;
  // The digest the data file is named by (sha256 if present).
  Digest Primary() const;
};

struct PartialMeta {
  std::string url;
  Validators validators;    // of the response the partial bytes came from
  std::uint64_t total = 0;  // whole size if the server said, else 0
};

std::string ToJson(const CacheMeta& m);
std::string ToJson(const PartialMeta& m);
bool FromJson(const std::string& text, CacheMeta* m, std::string* error);
bool FromJson(const std::string& text, PartialMeta* m, std::string* error);

// Reads <path>; false if missing or unreadable/invalid (error says which).
bool ReadCacheMeta(const std::string& path, CacheMeta* m, std::string* error);

}  // namespace qc::images
