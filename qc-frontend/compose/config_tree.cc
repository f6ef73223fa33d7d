#include "compose/config_tree.h"

#include <cstdio>
#include <set>

namespace qc::compose {

ConfigValue ConfigValue::String(std::string s) {
  ConfigValue v;
  v.text = std::move(s);
  return v;
}

ConfigValue ConfigValue::Integer(std::int64_t n) {
  ConfigValue v;
  v.kind = Kind::kInteger;
  v.number = n;
  return v;
}

ConfigValue ConfigValue::Bool(bool b) {
  ConfigValue v;
  v.kind = Kind::kBool;
  v.number = b ? 1 : 0;
  return v;
}

ConfigValue ConfigValue::List() {
  ConfigValue v;
  v.kind = Kind::kList;
  return v;
}

ConfigValue ConfigValue::Map() {
  ConfigValue v;
  v.kind = Kind::kMap;
  return v;
}

ConfigValue& ConfigValue::Add(std::string key, ConfigValue value) {
  fields.push_back({std::move(key), std::move(value)});
  return fields.back().value;
}

void ConfigValue::Append(ConfigValue value) {
  items.push_back(std::move(value));
}

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
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
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          (void)std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  return out + "\"";
}

namespace {

// Plain YAML scalars only where no YAML 1.1/1.2 reader could take them for
// anything but a string; everything else gets double quotes.
std::string YamlScalar(const std::string& s) {
  static const std::set<std::string> kReserved = {"y",   "n",    "yes",   "no",   "on",
                                                  "off", "true", "false", "null", "~"};
  bool plain = !s.empty() && kReserved.count(s) == 0;
  bool numeric_looking = !s.empty();
  for (std::size_t i = 0; i < s.size() && plain; ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    plain = alnum || (i > 0 && (c == '_' || c == '-' || c == '.')) || c == '/';
    numeric_looking = numeric_looking && ((c >= '0' && c <= '9') || c == '.' || c == '_');
  }
  if (plain && s[0] >= '0' && s[0] <= '9') {
    // Digits first: only sizes ("512M") and durations ("1m30s") stay plain.
    const std::size_t unit = s.find_first_not_of("0123456789");
    const bool size = unit != std::string::npos && unit + 1 == s.size() &&
                      std::string("KMGT").find(s[unit]) != std::string::npos;
    const bool duration = s.find_first_not_of("0123456789hms") == std::string::npos &&
                          std::string("hms").find(s.back()) != std::string::npos;
    plain = size || duration;
  }
  if (plain) {
    std::string lower;
    for (char c : s) {
      lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    plain = kReserved.count(lower) == 0 && !numeric_looking;
  }
  if (plain) {
    return s;
  }
  // The YAML is itself a compose file: a literal '$' must not be
  // interpolated when it is loaded again.
  std::string escaped;
  for (char c : s) {
    escaped += c == '$' ? "$$" : std::string(1, c);
  }
  return JsonQuote(escaped);
}

bool IsEmptyContainer(const ConfigValue& v) {
  return (v.kind == ConfigValue::Kind::kList && v.items.empty()) ||
         (v.kind == ConfigValue::Kind::kMap && v.fields.empty());
}

std::string Inline(const ConfigValue& v) {
  switch (v.kind) {
    case ConfigValue::Kind::kString:
      return YamlScalar(v.text);
    case ConfigValue::Kind::kInteger:
      return std::to_string(v.number);
    case ConfigValue::Kind::kBool:
      return v.number != 0 ? "true" : "false";
    case ConfigValue::Kind::kList:
      return "[]";
    case ConfigValue::Kind::kMap:
      return "{}";
  }
  return "";
}

void Yaml(const ConfigValue& v, int indent, std::string* out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (v.kind == ConfigValue::Kind::kMap) {
    for (const ConfigValue::Field& field : v.fields) {
      const ConfigValue& child = field.value;
      *out += pad + YamlScalar(field.key) + ":";
      const bool nested = (child.kind == ConfigValue::Kind::kMap && !child.fields.empty()) ||
                          (child.kind == ConfigValue::Kind::kList && !child.items.empty());
      if (nested) {
        *out += "\n";
        Yaml(child, indent + 2, out);
      } else {
        *out += " " + Inline(child) + "\n";
      }
    }
  } else if (v.kind == ConfigValue::Kind::kList) {
    for (const ConfigValue& child : v.items) {
      if (IsEmptyContainer(child) || child.kind == ConfigValue::Kind::kString ||
          child.kind == ConfigValue::Kind::kInteger || child.kind == ConfigValue::Kind::kBool) {
        *out += pad + "- " + Inline(child) + "\n";
      } else {
        *out += pad + "-\n";
        Yaml(child, indent + 2, out);
      }
    }
  }
}

void Json(const ConfigValue& v, int indent, std::string* out) {
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  const std::string close(static_cast<std::size_t>(indent), ' ');
  switch (v.kind) {
    case ConfigValue::Kind::kString:
      *out += JsonQuote(v.text);
      return;
    case ConfigValue::Kind::kInteger:
      *out += std::to_string(v.number);
      return;
    case ConfigValue::Kind::kBool:
      *out += v.number != 0 ? "true" : "false";
      return;
    case ConfigValue::Kind::kList:
      if (v.items.empty()) {
        *out += "[]";
        return;
      }
      *out += "[\n";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        *out += pad;
        Json(v.items[i], indent + 2, out);
        *out += i + 1 < v.items.size() ? ",\n" : "\n";
      }
      *out += close + "]";
      return;
    case ConfigValue::Kind::kMap:
      if (v.fields.empty()) {
        *out += "{}";
        return;
      }
      *out += "{\n";
      for (std::size_t i = 0; i < v.fields.size(); ++i) {
        *out += pad + JsonQuote(v.fields[i].key) + ": ";
        Json(v.fields[i].value, indent + 2, out);
        *out += i + 1 < v.fields.size() ? ",\n" : "\n";
      }
      *out += close + "}";
      return;
  }
}

}  // namespace

std::string WriteYaml(const ConfigValue& root) {
  std::string out;
  Yaml(root, 0, &out);
  return out;
}

std::string WriteJson(const ConfigValue& root) {
  std::string out;
  Json(root, 0, &out);
  return out + "\n";
}

}  // namespace qc::compose
