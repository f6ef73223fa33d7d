// The MIME type cloud-init gives a user-data document, from its first line
// (cloud-init's own "starts with" rules). Header-only: the compose parser
// uses it to refuse a `cloud_init.user_data` file cloud-init would ignore.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace qc::seed {

// "" if cloud-init would not recognise the document.
inline std::string UserDataMimeType(std::string_view content) {
  // Longest prefixes first: "#cloud-config-archive" before "#cloud-config".
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kTypes = {{
      {"#cloud-config-archive", "text/cloud-config-archive"},
      {"#cloud-config", "text/cloud-config"},
      {"#cloud-boothook", "text/cloud-boothook"},
      {"#include", "text/x-include-url"},
      {"#part-handler", "text/part-handler"},
      {"## template: jinja", "text/jinja2"},
      {"#!", "text/x-shellscript"},
  }};
  for (const auto& [prefix, type] : kTypes) {
    if (content.starts_with(prefix)) {
      return std::string(type);
    }
  }
  return "";
}

// For messages: what a user-data file may start with.
inline constexpr std::string_view kUserDataStarts =
    "#cloud-config, #!, #cloud-boothook, #include, #part-handler or ## template: jinja";

}  // namespace qc::seed
