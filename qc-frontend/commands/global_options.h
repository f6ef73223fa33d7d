// Options every subcommand sees (-f, -p, --format, --debug).
#pragma once

#include <string>

namespace qc::commands {

struct GlobalOptions {
  std::string file;          // -f; "" = qemu-compose.yaml in cwd (loader's default)
  std::string project_name;  // -p; "" = from the file or the directory
  std::string format = "text";
  bool debug = false;
};

}  // namespace qc::commands
