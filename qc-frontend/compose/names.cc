#include "compose/names.h"

namespace qc::compose {
namespace {

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool AllOf(std::string_view s, bool allow_underscore) {
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-' && !(allow_underscore && c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsValidVmName(std::string_view name) {
  return !name.empty() && name.size() <= 63 && IsLowerAlnum(name.front()) &&
         IsLowerAlnum(name.back()) && AllOf(name, false);
}

bool IsValidResourceName(std::string_view name) {
  return !name.empty() && name.size() <= 31 && IsLowerAlnum(name.front()) && AllOf(name, true);
}

bool IsValidProjectName(std::string_view name) {
  return !name.empty() && IsLowerAlnum(name.front()) && AllOf(name, true);
}

std::string NormalizeProjectName(std::string_view dir_name) {
  std::string out;
  for (char c : dir_name) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (IsLowerAlnum(c) || c == '_' || c == '-') {
      out.push_back(c);
    }
  }
  const std::size_t first = out.find_first_not_of("_-");
  return first == std::string::npos ? "" : out.substr(first);
}

}  // namespace qc::compose
