#include "doctor_report.h"

#include <cstdio>

namespace qc::tools {
namespace {

const char* Mark(Level level) {
  switch (level) {
    case Level::kOk:
      return "✓";
    case Level::kWarn:
      return "⚠";
    case Level::kFail:
      return "✗";
  }
  return "?";
}

const char* Colour(Level level) {
  switch (level) {
    case Level::kOk:
      return "\033[32m";
    case Level::kWarn:
      return "\033[33m";
    case Level::kFail:
      return "\033[31m";
  }
  return "";
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kWarn:
      return "warn";
    case Level::kFail:
      return "fail";
  }
  return "fail";
}

}  // namespace

std::string RenderText(const std::vector<CheckResult>& results, bool color) {
  std::string out;
  int counts[3] = {0, 0, 0};
  for (const auto& r : results) {
    ++counts[static_cast<int>(r.level)];
    if (color) {
      out += Colour(r.level);
    }
    out += Mark(r.level);
    if (color) {
      out += "\033[0m";
    }
    out += " " + r.check + ": " + r.detail + "\n";
    if (r.level != Level::kOk && !r.fix.empty()) {
      out += "    fix: " + r.fix + "\n";
    }
  }
  out += std::to_string(results.size()) + " checks: " + std::to_string(counts[0]) + " ok, " +
         std::to_string(counts[1]) + " warnings, " + std::to_string(counts[2]) + " failed\n";
  return out;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          (void)std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  return out;
}

std::string RenderJson(const std::vector<CheckResult>& results) {
  std::string out = "[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (i > 0) {
      out += ",";
    }
    out += "\n  {\"check\": \"" + JsonEscape(r.check) +
           "\", \"ok\": " + (r.level == Level::kFail ? "false" : "true") + ", \"level\": \"" +
           LevelName(r.level) + "\", \"detail\": \"" + JsonEscape(r.detail) + "\", \"fix\": \"" +
           JsonEscape(r.fix) + "\"}";
  }
  out += results.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace qc::tools
