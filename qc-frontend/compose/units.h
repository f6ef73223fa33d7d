// Sizes ("512M", "2G", "1GiB", "1.5G") and durations ("30s", "1m30s").
// All size units are binary (K = 1024), as QEMU and qemu-img read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qc::compose {

// A plain number is multiplied by `plain_unit` (MiB for memory, bytes for
// disks). Returns nullopt for anything malformed or above 1 EiB.
std::optional<std::uint64_t> ParseSize(std::string_view text, std::uint64_t plain_unit);

// Largest unit that divides exactly: 536870912 -> "512M", 1000 -> "1000".
std::string FormatSize(std::uint64_t bytes);

// "1h2m3s", "90s", "1m30s" or a plain number of seconds; nullopt if malformed.
std::optional<std::uint32_t> ParseDurationSeconds(std::string_view text);

// 90 -> "1m30s", 0 -> "0s".
std::string FormatDuration(std::uint32_t seconds);

}  // namespace qc::compose
