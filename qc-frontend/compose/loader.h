// Loading a qemu-compose file: discovery, YAML parsing, ${VAR}
// interpolation, defaults and validation, all before anything on the host
// changes. The frontend calls LoadProject and, for `config`, RenderConfig.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compose/model.h"

namespace qc::compose {

struct LoadOptions {
  std::string file;                        // -f (may be empty)
  std::string project_name;                // -p (may be empty)
  std::string cwd;                         // absolute current directory
  std::map<std::string, std::string> env;  // the process environment (for QEMU_COMPOSE_FILE,
                                           // QEMU_COMPOSE_PROJECT_NAME and ${VAR} interpolation)
  // Optional: receives warnings, one "FILE:LINE:COL: problem" per entry
  // (unset variables interpolated as "", two default files present). They are
  // also produced when loading fails. Leave null to ignore them.
  std::vector<std::string>* warnings = nullptr;
};

// Finds the file (-f, then QEMU_COMPOSE_FILE, then qemu-compose.yaml /
// qemu-compose.yml in cwd), parses, interpolates, validates. On failure
// returns false and `error` holds every problem found, one per line, each
// "FILE:LINE:COL: problem" (FILE as given, relative if it was relative;
// "FILE: problem" when there is no position), with "did you mean 'X'?" for
// unknown keys and names close to a valid one. *out is only meaningful on
// success.
bool LoadProject(const LoadOptions& opts, Project* out, std::string* error);

// `qemu-compose config`: the normalised, interpolated model as YAML (default)
// or JSON. Every default is written out, paths are absolute, sizes use the
// largest exact binary unit ("512M", "10G"), durations "1m30s". The YAML
// output is itself a valid compose file that loads into the same model (a
// literal '$' is written as "$$" there); JSON carries the values as they are.
std::string RenderConfig(const Project& p, bool json);

}  // namespace qc::compose
