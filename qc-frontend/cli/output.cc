#include "output.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace qc::cli {

Output::Output(bool json, bool debug)
    : json_(json),
      debug_(debug),
      color_(isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr) {}

void Output::Ok(const std::string& line) const {
  std::FILE* to = json_ ? stderr : stdout;
  (void)std::fprintf(to, "%s %s\n", color_ ? "\033[32m✓\033[0m" : "✓", line.c_str());
  (void)std::fflush(to);
}

void Output::Fail(const std::string& line) const {
  (void)std::fprintf(stderr, "%s %s\n", color_ ? "\033[31m✗\033[0m" : "✗", line.c_str());
}

void Output::Note(const std::string& line) const {
  std::FILE* to = json_ ? stderr : stdout;
  (void)std::fprintf(to, "%s\n", line.c_str());
  (void)std::fflush(to);
}

void Output::Error(const std::string& message) const {
  (void)std::fprintf(stderr, "error: %s\n", message.c_str());
}

void Output::Debug(const std::string& message) const {
  if (debug_) {
    (void)std::fprintf(stderr, "debug: %s\n", message.c_str());
  }
}

void Output::Data(const std::string& text) const {
  (void)std::fputs(text.c_str(), stdout);
  (void)std::fflush(stdout);
}

}  // namespace qc::cli
