#include "compose/units.h"

#include <cctype>

namespace qc::compose {
namespace {

constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 60;

bool IsDigit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::optional<std::uint64_t> UnitBytes(std::string_view suffix, std::uint64_t plain_unit) {
  if (suffix.empty()) {
    return plain_unit;
  }
  const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(suffix[0])));
  std::string_view tail = suffix.substr(1);
  std::uint64_t factor = 0;
  switch (u) {
    case 'B':
      return tail.empty() ? std::optional<std::uint64_t>(1) : std::nullopt;
    case 'K':
      factor = std::uint64_t{1} << 10;
      break;
    case 'M':
      factor = std::uint64_t{1} << 20;
      break;
    case 'G':
      factor = std::uint64_t{1} << 30;
      break;
    case 'T':
      factor = std::uint64_t{1} << 40;
      break;
    default:
      return std::nullopt;
  }
  if (tail.empty() || tail == "B" || tail == "b" || tail == "iB" || tail == "ib") {
    return factor;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> ParseSize(std::string_view text, std::uint64_t plain_unit) {
  std::size_t i = 0;
  std::uint64_t whole = 0;
  while (i < text.size() && IsDigit(text[i])) {
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (whole > kMaxBytes) {
      return std::nullopt;
    }
    ++i;
  }
  if (i == 0) {
    return std::nullopt;
  }
  // Fraction as numerator/denominator, at most 6 digits ("1.5G").
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < text.size() && IsDigit(text[i])) {
      if (i - start >= 6) {
        return std::nullopt;
      }
      numerator = numerator * 10 + static_cast<std::uint64_t>(text[i] - '0');
      denominator *= 10;
      ++i;
    }
    if (i == start) {
      return std::nullopt;
    }
  }
  std::optional<std::uint64_t> unit = UnitBytes(text.substr(i), plain_unit);
  if (!unit) {
    return std::nullopt;
  }
  if (whole != 0 && *unit > kMaxBytes / whole) {
    return std::nullopt;
  }
  const std::uint64_t total = whole * *unit + numerator * *unit / denominator;
  if (total > kMaxBytes) {
    return std::nullopt;
  }
  return total;
}

std::string FormatSize(std::uint64_t bytes) {
  static constexpr struct {
    int shift;
    char suffix;
  } kUnits[] = {{40, 'T'}, {30, 'G'}, {20, 'M'}, {10, 'K'}};
  if (bytes != 0) {
    for (const auto& unit : kUnits) {
      const std::uint64_t factor = std::uint64_t{1} << unit.shift;
      if (bytes % factor == 0) {
        return std::to_string(bytes / factor) + unit.suffix;
      }
    }
  }
  return std::to_string(bytes);
}

std::optional<std::uint32_t> ParseDurationSeconds(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t total = 0;
  std::size_t i = 0;
  bool all_digits = true;
  for (char c : text) {
    all_digits = all_digits && IsDigit(c);
  }
  if (all_digits) {
    if (text.size() > 10) {
      return std::nullopt;
    }
    for (char c : text) {
      total = total * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (total > UINT32_MAX) {
      return std::nullopt;
    }
    return static_cast<std::uint32_t>(total);
  }
  int last_rank = 0;  // h=3, m=2, s=1: each unit once, largest first
  while (i < text.size()) {
    std::uint64_t value = 0;
    const std::size_t start = i;
    while (i < text.size() && IsDigit(text[i])) {
      if (i - start >= 10) {
        return std::nullopt;
      }
      value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
      ++i;
    }
    if (i == start || i == text.size()) {
      return std::nullopt;
    }
    int rank = 0;
    std::uint64_t factor = 0;
    switch (text[i]) {
      case 'h':
        rank = 3;
        factor = 3600;
        break;
      case 'm':
        rank = 2;
        factor = 60;
        break;
      case 's':
        rank = 1;
        factor = 1;
        break;
      default:
        return std::nullopt;
    }
    if (last_rank != 0 && rank >= last_rank) {
      return std::nullopt;
    }
    last_rank = rank;
    ++i;
    total += value * factor;
    if (total > UINT32_MAX) {
      return std::nullopt;
    }
  }
  return static_cast<std::uint32_t>(total);
}

std::string FormatDuration(std::uint32_t seconds) {
  if (seconds == 0) {
    return "0s";
  }
  std::string out;
  if (seconds >= 3600) {
    out += std::to_string(seconds / 3600) + "h";
  }
  if (seconds % 3600 >= 60) {
    out += std::to_string(seconds % 3600 / 60) + "m";
  }
  if (seconds % 60 != 0) {
    out += std::to_string(seconds % 60) + "s";
  }
  return out;
}

}  // namespace qc::compose
