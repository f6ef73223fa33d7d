// Human-readable sizes, rates and durations for pull progress and listings.
#pragma once

#include <cstdint>
#include <string>

namespace qc::images {

std::string FormatBytes(std::uint64_t bytes);     // "412.5 MiB", "900 B"
std::string FormatRate(double bytes_per_second);  // "95.1 MiB/s"
std::string FormatDuration(double seconds);       // "0:07", "1:02:03"

}  // namespace qc::images
