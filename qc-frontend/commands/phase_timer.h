// QC_TIMING=1: how long each phase of a command kept it busy, printed on
// stderr as "qc-timing: <phase> <ms>" lines (then "total") when the timer
// goes out of scope, on every exit path. bench/up-vs-script reads them.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace qc::commands {

class PhaseTimer {
 public:
  using Clock = std::chrono::steady_clock;

  PhaseTimer() {
    const char* v = std::getenv("QC_TIMING");
    on_ = v != nullptr && std::string(v) == "1";
  }
  ~PhaseTimer() {
    if (!on_) {
      return;
    }
    phases_.emplace_back("total", Clock::now() - start_);
    for (const auto& [name, d] : phases_) {
      (void)std::fprintf(stderr, "qc-timing: %s %.1f\n", name.c_str(),
                         std::chrono::duration<double, std::milli>(d).count());
    }
  }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

  static Clock::time_point Now() { return Clock::now(); }

  // Adds the time since `from` to `phase` (a phase may be added to often);
  // returns now, the start of whatever comes next.
  Clock::time_point Add(const std::string& phase, Clock::time_point from) {
    Clock::time_point now = Clock::now();
    for (auto& [name, d] : phases_) {
      if (name == phase) {
        d += now - from;
        return now;
      }
    }
    phases_.emplace_back(phase, now - from);
    return now;
  }

 private:
  bool on_ = false;
  Clock::time_point start_ = Clock::now();
  std::vector<std::pair<std::string, Clock::duration>> phases_;
};

}  // namespace qc::commands
