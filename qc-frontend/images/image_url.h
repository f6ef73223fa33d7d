// What an `image:` value names: an http(s)/file URL (downloaded into the
// per-user cache) or a local path (used in place). Pure string rules, shared
// by the compose parser (errors at file:line:column) and the puller.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace qc::images {

// True if `text` is written as a URL ("scheme://..."), whatever the scheme;
// anything else is a local path.
bool LooksLikeUrl(std::string_view text);

// Checks a URL and returns its normal form (scheme and host lowercased, an
// empty http path written "/"): the form the cache is keyed by. Accepted:
// http://HOST[:PORT]/PATH[?QUERY], the same with https, and file:///ABS/PATH.
// Refused, with *error naming the problem: other schemes, no host, user
// names or passwords, fragments, '.'/'..' path segments (servers resolve
// them differently, so one image could hide behind many cache keys), spaces
// and control characters, and file URLs that are not local absolute paths.
std::optional<std::string> NormalizeImageUrl(std::string_view url, std::string* error);

// The parts of a normalised URL that messages and the downloader need.
struct UrlParts {
  std::string scheme;  // "http", "https", "file"
  std::string host;    // "" for file
  std::string path;    // file: the absolute local path, percent-decoded
};
UrlParts SplitNormalizedUrl(const std::string& url);

}  // namespace qc::images
