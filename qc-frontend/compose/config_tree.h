// A tiny ordered tree (strings, integers, booleans, lists, mappings) that `config`
// builds once and writes as YAML or JSON, so both formats always agree. The
// same tree, as JSON, is what `up` hashes to decide whether a VM or network
// changed (planner/config_hash.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
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

struct ConfigValue::Field {
  std::string key;
  ConfigValue value;
};

// The tree as JSON, in its order (nlohmann ordered_json).
nlohmann::ordered_json ToJson(const ConfigValue& v);
// Block-style YAML (yaml-cpp's emitter) that loads back as the same compose
// file; JSON indented by 2, one trailing newline.
std::string WriteYaml(const ConfigValue& root);
std::string WriteJson(const ConfigValue& root);

}  // namespace qc::compose
