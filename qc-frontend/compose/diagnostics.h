// Collects load problems with their source position and renders them as
// "FILE:LINE:COL: problem" lines, sorted by position so output is stable.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"

namespace qc::compose {

class Diagnostics {
 public:
  explicit Diagnostics(std::string display_file) : file_(std::move(display_file)) {}

  // A pos with line 0 means "no position": the line reads "FILE: problem".
  void Error(SourcePos pos, std::string message);
  void Warning(SourcePos pos, std::string message);

  bool HasErrors() const { return !errors_.empty(); }
  std::size_t ErrorCount() const { return errors_.size(); }
  // Every error, one per line, no trailing newline.
  std::string ErrorText() const;
  // Every distinct warning, in position order.
  std::vector<std::string> WarningLines() const;

 private:
  struct Item {
    SourcePos pos;
    std::string message;
  };
  std::string Format(const Item& item) const;
  std::vector<std::string> Sorted(std::vector<Item> items) const;

  std::string file_;
  std::vector<Item> errors_;
  std::vector<Item> warnings_;
};

}  // namespace qc::compose
