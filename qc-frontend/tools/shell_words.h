// Shell word rules shared by the seed, exec and the compose parser.
#pragma once

#include <string>

namespace qc::tools {

// One word for a POSIX shell: 'text', with embedded single quotes as '\''.
inline std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// An environment variable name: letters, digits and '_', not starting
// with a digit.
inline bool IsEnvName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace qc::tools
