#include "compose/locate.h"

#include <filesystem>
#include <system_error>

namespace qc::compose {
namespace {

LocatedFile Located(const std::string& given, const std::string& cwd) {
  std::filesystem::path p(given);
  if (p.is_relative()) {
    p = std::filesystem::path(cwd) / p;
  }
  return {given, p.lexically_normal().string()};
}

}  // namespace

bool LocateComposeFile(const std::string& flag_file, const std::string& cwd, const Environment& env,
                       LocatedFile* out, std::string* error, std::vector<std::string>* warnings) {
  if (!flag_file.empty()) {
    *out = Located(flag_file, cwd);
    return true;
  }
  if (auto it = env.find("QEMU_COMPOSE_FILE"); it != env.end() && !it->second.empty()) {
    *out = Located(it->second, cwd);
    return true;
  }
  std::vector<std::string> found;
  for (const char* name : {"qemu-compose.yaml", "qemu-compose.yml"}) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(cwd) / name, ec)) {
      found.emplace_back(name);
    }
  }
  if (found.empty()) {
    *error = "no qemu-compose.yaml or qemu-compose.yml in " + cwd +
             " (use -f FILE or set QEMU_COMPOSE_FILE)";
    return false;
  }
  if (found.size() > 1 && warnings != nullptr) {
    warnings->push_back("found both qemu-compose.yaml and qemu-compose.yml in " + cwd +
                        "; using qemu-compose.yaml");
  }
  *out = Located(found.front(), cwd);
  return true;
}

}  // namespace qc::compose
