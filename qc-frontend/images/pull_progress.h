// What a pull shows on stderr: a redrawn bar on a terminal (bytes, rate,
// ETA), a plain line every few seconds otherwise, nothing with -q.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace qc::images {

enum class ProgressStyle { kQuiet, kPlain, kBar };

// kBar if stderr is a terminal (and TERM is not "dumb"), else kPlain;
// kQuiet when quiet.
ProgressStyle ProgressStyleForStderr(bool quiet);

class PullProgress {
 public:
  PullProgress(ProgressStyle style, std::string label);

  // A download starts (or resumes at `already` bytes); total 0 = unknown.
  void Start(std::uint64_t already, std::uint64_t total);
  void Update(std::uint64_t done);  // cheap; redraws at most a few times a second
  void Done();                      // the summary line
  void Abandon();                   // ends a bar line before an error is printed
  // One line outside the bar ("waiting for another pull..."); not with -q.
  void Note(const std::string& line);

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(bool final);

  ProgressStyle style_;
  std::string label_;
  std::uint64_t start_bytes_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  Clock::time_point started_{};
  Clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace qc::images
