// Milliseconds on CLOCK_MONOTONIC, for deadlines that must not jump with
// the wall clock.
#pragma once

#include <ctime>

namespace qc {

inline long long MonotonicMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace qc
