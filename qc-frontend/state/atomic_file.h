// Whole-file reads and crash-safe replacement of small state files.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace qc::state {

// Writes to a temp file in the same directory, fsyncs it and renames it
// over `path`: a reader, even after a crash, sees the old or the new file,
// never a partial one. false + error on failure (the old file is kept).
// A file that already holds `content` is left alone. The new file gets
// `mode` exactly (not masked by the umask).
bool WriteFileAtomic(const std::string& path, const std::string& content, std::string* error,
                     mode_t mode = 0600);
// WriteFileAtomic for several files at once, one thread each, so that
// their fsyncs share journal commits instead of queueing one after the
// other. (*errors)[i] is "" if files[i] (path, content) was written.
bool WriteFilesAtomic(const std::vector<std::pair<std::string, std::string>>& files,
                      std::vector<std::string>* errors);
// false if missing (error says so) or unreadable.
bool ReadWholeFile(const std::string& path, std::string* content, std::string* error);
// mkdir -p with mode 0700 for created directories.
bool MakeDirs(const std::string& path, std::string* error);
// rm -rf; true if path is gone afterwards.
bool RemoveTree(const std::string& path, std::string* error);

}  // namespace qc::state
