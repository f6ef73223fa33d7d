// `qemu-compose logs`: print the tail of a VM's serial log and optionally
// follow it. Split into pieces the unit tests can drive with plain fds.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <string>
#include <string_view>

namespace qc::tools {

// The last `lines` lines of `content` (all of it for lines < 0). A final
// newline ends the last line rather than starting an empty one, so
// "a\nb\n" has two lines; a last line without newline still counts.
std::string_view LastLines(std::string_view content, int lines);

// Writes the last `lines` lines of the file at `path` to `out_fd`, reading
// only as much of the file's end as needed. On success returns 0 and stores
// the file offset printed up to in *end_offset; otherwise returns 1 with a
// user-facing message in *error.
int PrintLastLines(const std::string& path, int lines, int out_fd, off_t* end_offset,
                   std::string* error);

// Copies everything appended to `path` after `offset` to `out_fd` until
// *stop becomes non-zero. A file that shrinks (truncated) is re-read from
// its start; a file replaced by a new one (rotated) is drained, then the new
// file is read from its start. Returns 0, or 1 with *error set.
int FollowLog(const std::string& path, off_t offset, int out_fd, const volatile sig_atomic_t* stop,
              std::string* error);

}  // namespace qc::tools
