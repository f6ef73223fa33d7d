// Connecting to a unix stream socket by path, including paths longer than
// sun_path allows (VM state lives under the project directory, which can be
// deep).
#pragma once

#include <string>

namespace qc::tools {

// Returns a connected, close-on-exec SOCK_STREAM fd, or -errno.
int ConnectUnixStream(const std::string& path);

}  // namespace qc::tools
