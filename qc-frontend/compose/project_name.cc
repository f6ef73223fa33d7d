#include "compose/project_name.h"

#include <filesystem>

#include "compose/names.h"

namespace qc::compose {

std::string ChooseProjectName(const std::optional<ParsedName>& from_file,
                              const std::string& flag_name, const Environment& env,
                              const std::string& project_dir, Diagnostics& diag) {
  // -p is checked even when `name:` wins: it is explicit input.
  const bool flag_ok = flag_name.empty() || IsValidProjectName(flag_name);
  if (!flag_ok) {
    diag.Error({}, "invalid project name '" + flag_name + "' (from -p): " + kProjectNameRule);
  }
  if (from_file) {
    if (!IsValidProjectName(from_file->value)) {
      diag.Error(from_file->pos,
                 "invalid project name '" + from_file->value + "': " + kProjectNameRule);
      return "";
    }
    return from_file->value;
  }
  if (!flag_name.empty()) {
    return flag_ok ? flag_name : "";
  }
  if (auto it = env.find("QEMU_COMPOSE_PROJECT_NAME"); it != env.end() && !it->second.empty()) {
    if (!IsValidProjectName(it->second)) {
      diag.Error({}, "invalid project name '" + it->second +
                         "' (from QEMU_COMPOSE_PROJECT_NAME): " + kProjectNameRule);
      return "";
    }
    return it->second;
  }
  const std::string dir_name = std::filesystem::path(project_dir).filename().string();
  std::string name = NormalizeProjectName(dir_name);
  if (name.empty()) {
    diag.Error({}, "cannot make a project name from directory name '" + dir_name +
                       "': set 'name:' in the file or use -p");
  }
  return name;
}

}  // namespace qc::compose
