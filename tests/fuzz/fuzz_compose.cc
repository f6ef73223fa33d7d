// libFuzzer target: a compose file's bytes through LoadProject and, when they
// load, RenderConfig. Loading must never crash, and a refusal must say why.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "compose/loader.h"
#include "compose/model.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    (void)std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

// One private directory per fuzzer process, reused for every input.
const std::string& WorkDir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/qc-fuzz-compose.XXXXXX";
    Check(mkdtemp(tmpl) != nullptr, "mkdtemp failed");
    return std::string(tmpl);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string file = WorkDir() + "/qemu-compose.yaml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    Check(out.good(), "writing the compose file failed");
  }
  qc::compose::LoadOptions opts;
  opts.file = file;
  opts.cwd = WorkDir();
  opts.env = {{"HOME", "/home/alice"}, {"USER", "alice"}, {"TAG", "1.0"}};
  qc::compose::Project project;
  std::string error;
  if (!qc::compose::LoadProject(opts, &project, &error)) {
    Check(!error.empty(), "LoadProject refused with an empty error");
    return 0;
  }
  (void)qc::compose::RenderConfig(project, false);
  (void)qc::compose::RenderConfig(project, true);
  return 0;
}
