// Process exit codes of qemu-compose (documented in the top-level --help).
#pragma once

namespace qc::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;       // an operation failed
inline constexpr int kExitUsage = 2;       // bad command line
inline constexpr int kExitBadCompose = 3;  // compose file missing or invalid
inline constexpr int kExitTimeout = 4;     // up --wait: not ready in time

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 ok, 1 an operation failed, 2 usage error, 3 compose file missing or "
    "invalid, 4 `up --wait` timed out.";

}  // namespace qc::cli
