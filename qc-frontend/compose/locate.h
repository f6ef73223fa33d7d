// Which compose file to read, and how to name it in messages.
#pragma once

#include <string>
#include <vector>

#include "compose/interpolate.h"

namespace qc::compose {

struct LocatedFile {
  std::string display;   // as the user gave it (relative stays relative)
  std::string absolute;  // lexically normal absolute path
};

// -f, then QEMU_COMPOSE_FILE, then qemu-compose.yaml, then
// qemu-compose.yml in cwd. Returns false with *error if none applies.
// A warning is added when both default names exist.
bool LocateComposeFile(const std::string& flag_file, const std::string& cwd, const Environment& env,
                       LocatedFile* out, std::string* error, std::vector<std::string>* warnings);

}  // namespace qc::compose
