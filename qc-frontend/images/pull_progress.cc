#include "images/pull_progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "images/byte_units.h"

namespace qc::images {
namespace {

constexpr auto kBarInterval = std::chrono::milliseconds(100);
constexpr auto kPlainInterval = std::chrono::seconds(5);
constexpr int kBarWidth = 24;

void Emit(const std::string& text) {
  (void)std::fputs(text.c_str(), stderr);
  (void)std::fflush(stderr);
}

}  // namespace

ProgressStyle ProgressStyleForStderr(bool quiet) {
  if (quiet) {
    return ProgressStyle::kQuiet;
  }
  const char* term = std::getenv("TERM");
  bool dumb = term != nullptr && std::strcmp(term, "dumb") == 0;
  return isatty(STDERR_FILENO) == 1 && !dumb ? ProgressStyle::kBar : ProgressStyle::kPlain;
}

PullProgress::PullProgress(ProgressStyle style, std::string label)
    : style_(style), label_(std::move(label)) {}

void PullProgress::Start(std::uint64_t already, std::uint64_t total) {
  start_bytes_ = already;
  done_ = already;
  total_ = total;
  started_ = Clock::now();
  last_draw_ = started_;
  if (style_ == ProgressStyle::kPlain) {
    std::string line = "pulling " + label_;
    if (total > 0) {
      line += " (" + FormatBytes(total) + ")";
    }
    if (already > 0) {
      line += ", resuming at " + FormatBytes(already);
    }
    Emit(line + "\n");
  }
}

void PullProgress::Update(std::uint64_t done) {
  done_ = done;
  if (style_ == ProgressStyle::kQuiet) {
    return;
  }
  auto now = Clock::now();
  auto interval = style_ == ProgressStyle::kBar
                      ? std::chrono::duration_cast<Clock::duration>(kBarInterval)
                      : std::chrono::duration_cast<Clock::duration>(kPlainInterval);
  if (now - last_draw_ >= interval) {
    last_draw_ = now;
    Draw(false);
  }
}

void PullProgress::Draw(bool final) {
  double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  double rate = elapsed > 0 ? static_cast<double>(done_ - start_bytes_) / elapsed : 0;
  std::string amount = FormatBytes(done_) + (total_ > 0 ? " / " + FormatBytes(total_) : "");
  if (style_ == ProgressStyle::kPlain) {
    std::string line = label_ + ": " + amount;
    if (total_ > 0) {
      line += " (" + std::to_string(done_ * 100 / total_) + "%)";
    }
    Emit(line + ", " + FormatRate(rate) + "\n");
    return;
  }
  std::string bar;
  if (total_ > 0) {
    int filled = static_cast<int>(done_ * kBarWidth / total_);
    bar = "[" + std::string(filled, '=') + (filled < kBarWidth ? ">" : "") +
          std::string(kBarWidth - filled - (filled < kBarWidth ? 1 : 0), ' ') + "] " +
          std::to_string(done_ * 100 / total_) + "% ";
  }
  std::string eta;
  if (!final && total_ > done_ && rate > 0) {
    eta = "  ETA " + FormatDuration(static_cast<double>(total_ - done_) / rate);
  } else if (final) {
    eta = "  in " + FormatDuration(elapsed);
  }
  Emit("\r\x1b[K" + label_ + " " + bar + amount + "  " + FormatRate(rate) + eta);
  drawn_ = true;
}

void PullProgress::Done() {
  if (style_ == ProgressStyle::kQuiet) {
    return;
  }
  if (style_ == ProgressStyle::kBar) {
    Draw(true);
    Emit("\n");
    drawn_ = false;
    return;
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  double rate = elapsed > 0 ? static_cast<double>(done_ - start_bytes_) / elapsed : 0;
  Emit("pulled " + label_ + ": " + FormatBytes(done_) + " in " + FormatDuration(elapsed) + " (" +
       FormatRate(rate) + ")\n");
}

void PullProgress::Abandon() {
  if (drawn_) {
    Emit("\n");
    drawn_ = false;
  }
}

void PullProgress::Note(const std::string& line) {
  if (style_ == ProgressStyle::kQuiet) {
    return;
  }
  Abandon();
  Emit(line + "\n");
}

}  // namespace qc::images
