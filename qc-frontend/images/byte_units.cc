#include "images/byte_units.h"

#include <cmath>
#include <cstdio>

namespace qc::images {

std::string FormatBytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    (void)std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    (void)std::snprintf(buf, sizeof(buf), "%.1f %s", value, kUnits[unit]);
  }
  return buf;
}

std::string FormatRate(double bytes_per_second) {
  if (!(bytes_per_second >= 0) || std::isinf(bytes_per_second)) {
    return "-";
  }
  return FormatBytes(static_cast<std::uint64_t>(bytes_per_second)) + "/s";
}

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0) || seconds > 360000) {
    return "--:--";
  }
  auto s = static_cast<long>(std::lround(seconds));
  char buf[32];
  if (s >= 3600) {
    (void)std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    (void)std::snprintf(buf, sizeof(buf), "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace qc::images
