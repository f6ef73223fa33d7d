// User-facing output: "✓"/"✗" status lines (green/red only on a TTY),
// errors on stderr, and JSON alone on stdout with --format json (status
// lines then go to stderr so stdout stays parseable).
#pragma once

#include <string>

namespace qc::cli {

class Output {
 public:
  Output(bool json, bool debug);

  void Ok(const std::string& line) const;        // ✓ line
  void Fail(const std::string& line) const;      // ✗ line (stderr)
  void Note(const std::string& line) const;      // plain progress line
  void Error(const std::string& message) const;  // "error: ..." on stderr
  void Debug(const std::string& message) const;  // only with --debug
  // Writes data to stdout as-is (tables or a JSON document).
  void Data(const std::string& text) const;

  bool json() const { return json_; }
  bool debug() const { return debug_; }
  bool color() const { return color_; }

 private:
  bool json_;
  bool debug_;
  bool color_;  // stdout is a TTY and NO_COLOR is unset
};

}  // namespace qc::cli
