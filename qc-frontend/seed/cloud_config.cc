#include "seed/cloud_config.h"

#include "seed/yaml_emit.h"

namespace qc::seed {

bool CloudConfig::Append(const std::string& key, nlohmann::ordered_json item, std::string* error) {
  auto it = doc_.find(key);
  if (it == doc_.end()) {
    doc_[key] = nlohmann::ordered_json::array();
    it = doc_.find(key);
  }
  if (!it->is_array()) {
    if (error != nullptr) {
      *error = "cloud-config key '" + key + "' is not a list";
    }
    return false;
  }
  it->push_back(std::move(item));
  return true;
}

bool CloudConfig::Set(const std::string& key, nlohmann::ordered_json value, std::string* error) {
  auto it = doc_.find(key);
  if (it != doc_.end() && *it != value) {
    if (error == nullptr) {
      return false;
    }
    *error = "cloud-config key '" + key + "' is set twice: " + it->dump() + " and " + value.dump();
    return false;
  }
  doc_[key] = std::move(value);
  return true;
}

bool CloudConfig::Merge(const CloudConfig& other, std::string* error) {
  for (const auto& [key, value] : other.doc_.items()) {
    auto it = doc_.find(key);
    if (value.is_array() && (it == doc_.end() || it->is_array())) {
      for (const auto& item : value) {
        Append(key, item);
      }
    } else if (!Set(key, value, error)) {
      return false;
    }
  }
  return true;
}

std::string CloudConfig::ToUserData() const {
  return "#cloud-config\n" + ToYaml(doc_);
}

}  // namespace qc::seed
