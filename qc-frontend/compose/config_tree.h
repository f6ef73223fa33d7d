// A tiny ordered tree (strings, integers, booleans, lists, mappings) that `config`
// builds once and writes as YAML or JSON, so both formats always agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qc::compose {

struct ConfigValue {
  enum class Kind { kString, kInteger, kBool, kList, kMap };
  Kind kind = Kind::kString;
  std::string text;                // kString
  std::int64_t number = 0;         // kInteger; kBool: 0 or 1
  std::vector<ConfigValue> items;  // kList
  struct Field;
  std::vector<Field> fields;  // kMap, in output order

  static ConfigValue String(std::string s);
  static ConfigValue Integer(std::int64_t n);
  static ConfigValue Bool(bool b);
  static ConfigValue List();
  static ConfigValue Map();
  ConfigValue& Add(std::string key, ConfigValue value);  // kMap; returns the added value
  void Append(ConfigValue value);                        // kList
};

// YAML that loads back as a compose file: '$' in strings is written as "$$".
struct ConfigValue::Field {
  std::string key;
  ConfigValue value;
};

std::string WriteYaml(const ConfigValue& root);
std::string WriteJson(const ConfigValue& root);
// A JSON string literal, quotes included; also a valid YAML double-quoted scalar.
std::string JsonQuote(const std::string& s);

}  // namespace qc::compose
