#include "compose/config_tree.h"

#include <yaml-cpp/yaml.h>

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

namespace {

// True if s can be a plain YAML scalar: no YAML 1.1/1.2 reader could take
// it for anything but a string.
bool PlainYamlScalar(const std::string& s) {
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
  return plain;
}

// The scalar as the YAML output writes it: plain, or double-quoted when a
// reader could take it for anything but this string.
void EmitScalar(YAML::Emitter& out, const std::string& s) {
  if (PlainYamlScalar(s)) {
    out << s;
  } else {
    // The YAML is itself a compose file: a literal '$' must not be
    // interpolated when it is loaded again.
    std::string escaped;
    for (char c : s) {
      escaped += c == '$' ? "$$" : std::string(1, c);
    }
    out << YAML::DoubleQuoted << escaped;
  }
}

void Emit(YAML::Emitter& out, const ConfigValue& v) {
  switch (v.kind) {
    case ConfigValue::Kind::kString:
      EmitScalar(out, v.text);
      return;
    case ConfigValue::Kind::kInteger:
      out << v.number;
      return;
    case ConfigValue::Kind::kBool:
      out << (v.number != 0);  // yaml-cpp writes true / false
      return;
    case ConfigValue::Kind::kList:
      out << (v.items.empty() ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
      for (const ConfigValue& item : v.items) {
        Emit(out, item);
      }
      out << YAML::EndSeq;
      return;
    case ConfigValue::Kind::kMap:
      out << (v.fields.empty() ? YAML::Flow : YAML::Block) << YAML::BeginMap;
      for (const ConfigValue::Field& field : v.fields) {
        out << YAML::Key;
        EmitScalar(out, field.key);
        out << YAML::Value;
        Emit(out, field.value);
      }
      out << YAML::EndMap;
      return;
  }
}

}  // namespace

nlohmann::ordered_json ToJson(const ConfigValue& v) {
  switch (v.kind) {
    case ConfigValue::Kind::kString:
      return v.text;
    case ConfigValue::Kind::kInteger:
      return v.number;
    case ConfigValue::Kind::kBool:
      return v.number != 0;
    case ConfigValue::Kind::kList: {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const ConfigValue& item : v.items) {
        list.push_back(ToJson(item));
      }
      return list;
    }
    case ConfigValue::Kind::kMap: {
      nlohmann::ordered_json map = nlohmann::ordered_json::object();
      for (const ConfigValue::Field& field : v.fields) {
        map[field.key] = ToJson(field.value);
      }
      return map;
    }
  }
  return nullptr;
}

std::string WriteYaml(const ConfigValue& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  Emit(out, root);
  return std::string(out.c_str()) + "\n";
}

std::string WriteJson(const ConfigValue& root) {
  // Invalid UTF-8 (the compose file's own bytes) is replaced, not thrown.
  return ToJson(root).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace qc::compose
