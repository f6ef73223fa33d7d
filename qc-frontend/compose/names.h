// Which names are allowed for VMs, networks, volumes and projects.
#pragma once

#include <string>
#include <string_view>

namespace qc::compose {

// A hostname label: [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?
bool IsValidVmName(std::string_view name);
// [a-z0-9][a-z0-9_-]{0,30}, for networks and volumes alike.
bool IsValidResourceName(std::string_view name);
// As docker compose: [a-z0-9][a-z0-9_-]*
bool IsValidProjectName(std::string_view name);
// A directory name made into a project name like docker compose does:
// lower-cased, characters outside [a-z0-9_-] dropped, leading '_'/'-' dropped.
// May return "" (the caller reports it).
std::string NormalizeProjectName(std::string_view dir_name);

inline constexpr const char* kVmNameRule =
    "must be a hostname label: lower-case letters, digits and '-', at most 63 characters, "
    "not starting or ending with '-'";
inline constexpr const char* kResourceNameRule =
    "must be 1-31 characters of lower-case letters, digits, '_' and '-', starting with a letter "
    "or digit";
inline constexpr const char* kProjectNameRule =
    "must contain only lower-case letters, digits, '_' and '-', and start with a letter or digit";

}  // namespace qc::compose
