#include "doctor_report.h"

#include <nlohmann/json.hpp>

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

std::string RenderJson(const std::vector<CheckResult>& results) {
  // One check per line, keys in the documented order; nlohmann::json does
  // the string escaping (and replaces invalid UTF-8 from system output).
  auto quote = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string out = "[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (i > 0) {
      out += ",";
    }
    out += "\n  {\"check\": " + quote(r.check) +
           ", \"ok\": " + (r.level == Level::kFail ? "false" : "true") + ", \"level\": \"" +
           LevelName(r.level) + "\", \"detail\": " + quote(r.detail) +
           ", \"fix\": " + quote(r.fix) + "}";
  }
  out += results.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace qc::tools
