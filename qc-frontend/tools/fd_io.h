// Write-everything helper for raw fds (pipes, ttys, sockets).
#pragma once

#include <cstddef>

namespace qc::tools {

// Writes all of buf, retrying on EINTR and short writes and waiting on
// EAGAIN. False on any other error (errno is set).
bool WriteAll(int fd, const void* buf, std::size_t len);

}  // namespace qc::tools
