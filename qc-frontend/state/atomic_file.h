// Whole-file reads and crash-safe replacement of small state files.
#pragma once

#include <string>

namespace qc::state {

// Writes to a temp file in the same directory, fsyncs it, renames it over
// `path` and fsyncs the directory: a reader sees the old or the new file,
// never a partial one. false + error on failure (the old file is kept).
bool WriteFileAtomic(const std::string& path, const std::string& content, std::string* error);
// false if missing (error says so) or unreadable.
bool ReadWholeFile(const std::string& path, std::string* content, std::string* error);
// mkdir -p with mode 0700 for created directories.
bool MakeDirs(const std::string& path, std::string* error);
// rm -rf; true if path is gone afterwards.
bool RemoveTree(const std::string& path, std::string* error);

}  // namespace qc::state
