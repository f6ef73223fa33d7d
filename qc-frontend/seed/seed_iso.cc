#include "seed/seed_iso.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "state/atomic_file.h"
#include "subprocess.h"

namespace qc::seed {
namespace {

// 2000-01-01T00:00:00Z: every timestamp in the ISO.
constexpr long kEpoch = 946684800;

bool SameContent(const std::string& path, const std::string& want) {
  std::string have;
  std::string ignored;
  return state::ReadWholeFile(path, &have, &ignored) && have == want;
}

bool FixMtime(const std::string& path, std::string* error) {
  struct timespec times[2] = {{kEpoch, 0}, {kEpoch, 0}};
  if (utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) {
    *error = "cannot set the time of " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

bool WriteSeedIso(const SeedFiles& files, const std::string& vm_dir, bool* changed,
                  std::string* error) {
  const std::string dir = SeedDir(vm_dir);
  const std::string iso = SeedIsoPath(vm_dir);
  const std::vector<std::pair<std::string, std::string>> content = {
      {dir + "/meta-data", files.meta_data},
      {dir + "/user-data", files.user_data},
      {dir + "/network-config", files.network_config},
  };
  *changed = false;
  bool same = std::filesystem::exists(iso);
  for (const auto& [path, text] : content) {
    same = same && SameContent(path, text);
  }
  if (same) {
    return true;
  }
  // No ISO while the files change: a crash in between leaves a seed that is
  // rebuilt next time, never a stale ISO beside new files.
  std::error_code ec;
  std::filesystem::remove(iso, ec);
  if (!state::MakeDirs(dir, error)) {
    return false;
  }
  for (const auto& [path, text] : content) {
    if (!state::WriteFileAtomic(path, text, error) || !FixMtime(path, error)) {
      return false;
    }
  }
  if (!FixMtime(dir, error)) {
    return false;
  }
  const std::string tmp = iso + ".tmp";
  SpawnOptions opts;
  opts.argv = {"xorriso", "-no_rc", "-report_about", "SORRY", "-as", "mkisofs", "-quiet", "-o",
               tmp,       "-V",     "cidata",        "-J",    "-r",  dir};
  opts.search_path = true;
  // xorriso's reproducible-build switch: every date in the volume is this one.
  opts.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "SOURCE_DATE_EPOCH=" + std::to_string(kEpoch)};
  opts.in = Redirect::Null();
  opts.out = Redirect::Null();
  opts.err = Redirect::Pipe();
  RunResult r = RunProcess(opts);
  if (!r.Success()) {
    std::filesystem::remove(tmp, ec);
    *error = r.spawn_error.find("No such file") != std::string::npos
                 ? "xorriso is not installed (it writes the cloud-init seed); e.g. `sudo apt "
                   "install xorriso`"
                 : "xorriso could not write " + iso + ": " +
                       (r.spawn_error.empty() ? r.status.Describe() : r.spawn_error) + " " +
                       r.err.substr(0, r.err.find('\n'));
    return false;
  }
  if (std::rename(tmp.c_str(), iso.c_str()) != 0) {
    *error = "cannot rename " + tmp + ": " + std::strerror(errno);
    return false;
  }
  *changed = true;
  return true;
}

}  // namespace qc::seed
