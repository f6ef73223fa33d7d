// docker's healthcheck state machine, without the running: "starting"
// until the first success ("healthy") or until `retries` failures in a row
// ("unhealthy"); failures during start_period do not count while still
// starting; a success makes it healthy again.
#pragma once

#include <cstdint>
#include <string>

namespace qc::readiness {

class HealthTracker {
 public:
  HealthTracker(std::uint32_t retries, std::uint32_t start_period_s, std::int64_t started_ms)
      : retries_(retries),
        start_period_ms_(std::int64_t{start_period_s} * 1000),
        started_ms_(started_ms) {}

  // One check's outcome at now_ms. True if the status changed.
  bool Record(bool ok, std::int64_t now_ms);

  const std::string& status() const { return status_; }
  int failing_streak() const { return streak_; }

 private:
  std::uint32_t retries_;
  std::int64_t start_period_ms_;
  std::int64_t started_ms_;
  std::string status_ = "starting";
  int streak_ = 0;
};

}  // namespace qc::readiness
