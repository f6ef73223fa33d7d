// The #cloud-config document of a VM's NoCloud seed, built as data (never by
// pasting text together) and written as YAML in a fixed order, so the same
// input always gives the same bytes.
//
// EXTENSION POINT for other features (volumes, ...): they add to the guest's
// configuration through SeedInput::cloud_config before the seed is written
// (see commands/vm_seed.cc, AddFeatureCloudConfig), e.g.
//
//   seed::CloudConfig& cc = input->cloud_config;
//   cc.Append("bootcmd", nlohmann::ordered_json::array({"mkfs.ext4", "-L", "data", "/dev/vdc"}));
//   cc.Append("mounts", nlohmann::ordered_json::array(
//                           {"LABEL=data", "/data", "ext4", "defaults,nofail", "0", "2"}));
//   if (!cc.Set("fs_setup", ..., &error)) ...
//
// List keys (bootcmd, runcmd, mounts, write_files, fs_setup, ...) keep the
// order of the Append calls, after the entries qemu-compose itself makes
// (its provision runner is the first runcmd entry: features that must run
// before the user's provision steps belong in bootcmd). Any cloud-init
// module key can be used; cloud-init checks them in the guest.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace qc::seed {

class CloudConfig {
 public:
  CloudConfig() : doc_(nlohmann::ordered_json::object()) {}

  // Adds one item to the list under `key` (created on first use).
  // false + *error if `key` already holds something that is not a list.
  bool Append(const std::string& key, nlohmann::ordered_json item, std::string* error = nullptr);
  // Sets `key`; setting it again to the same value is fine, to another one
  // is an error (two features disagreeing must not silently overwrite).
  bool Set(const std::string& key, nlohmann::ordered_json value, std::string* error);
  // Every key of `other` into this one: lists appended, others Set.
  bool Merge(const CloudConfig& other, std::string* error);

  const nlohmann::ordered_json& doc() const { return doc_; }
  bool empty() const { return doc_.empty(); }

  // "#cloud-config\n" followed by the document as YAML.
  std::string ToUserData() const;

 private:
  nlohmann::ordered_json doc_;
};

}  // namespace qc::seed
