#include "compose/diagnostics.h"

#include <algorithm>
#include <unordered_set>

namespace qc::compose {

void Diagnostics::Error(SourcePos pos, std::string message) {
  errors_.push_back({pos, std::move(message)});
}

void Diagnostics::Warning(SourcePos pos, std::string message) {
  warnings_.push_back({pos, std::move(message)});
}

std::string Diagnostics::Format(const Item& item) const {
  if (item.pos.line <= 0) {
    return file_ + ": " + item.message;
  }
  return file_ + ":" + std::to_string(item.pos.line) + ":" + std::to_string(item.pos.column) +
         ": " + item.message;
}

std::vector<std::string> Diagnostics::Sorted(std::vector<Item> items) const {
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.pos.line != b.pos.line) {
      return a.pos.line < b.pos.line;
    }
    return a.pos.column < b.pos.column;
  });
  std::vector<std::string> lines;
  // The same aliased node can be read twice; say each thing once. A set, as
  // a short file of aliases can yield hundreds of thousands of messages.
  std::unordered_set<std::string> said;
  for (const Item& item : items) {
    std::string line = Format(item);
    if (said.insert(line).second) {
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

std::string Diagnostics::ErrorText() const {
  std::string text;
  for (const std::string& line : Sorted(errors_)) {
    if (!text.empty()) {
      text += '\n';
    }
    text += line;
  }
  return text;
}

std::vector<std::string> Diagnostics::WarningLines() const {
  return Sorted(warnings_);
}

}  // namespace qc::compose
