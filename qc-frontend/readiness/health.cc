#include "readiness/health.h"

namespace qc::readiness {

bool HealthTracker::Record(bool ok, std::int64_t now_ms) {
  const std::string before = status_;
  if (ok) {
    streak_ = 0;
    status_ = "healthy";
  } else if (status_ == "starting" && now_ms < started_ms_ + start_period_ms_) {
    // Grace: the service may still be coming up.
  } else if (++streak_ >= static_cast<int>(retries_)) {
    status_ = "unhealthy";
  }
  return status_ != before;
}

}  // namespace qc::readiness
