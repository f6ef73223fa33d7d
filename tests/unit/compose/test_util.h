// Helpers for compose tests: a scratch directory that disappears, and a
// one-call loader for inline YAML.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "compose/loader.h"

namespace qc::compose::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "qc-compose-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/relative (creating directories); returns its absolute path.
  std::string Write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << content;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

struct LoadResult {
  bool ok = false;
  Project project;
  std::string error;
  std::vector<std::string> warnings;
};

inline LoadResult LoadWith(LoadOptions opts) {
  LoadResult r;
  opts.warnings = &r.warnings;
  r.ok = LoadProject(opts, &r.project, &r.error);
  return r;
}

// Writes `yaml` as qemu-compose.yaml into dir and loads it from there.
inline LoadResult LoadYaml(const ScratchDir& dir, const std::string& yaml,
                           std::map<std::string, std::string> env = {}) {
  dir.Write("qemu-compose.yaml", yaml);
  LoadOptions opts;
  opts.cwd = dir.path().string();
  opts.env = std::move(env);
  return LoadWith(opts);
}

}  // namespace qc::compose::testing
