#include "volumes/volume_disk.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "commands/run_tool.h"
#include "images/byte_units.h"
#include "state/atomic_file.h"

namespace qc::volumes {
namespace {

namespace fs = std::filesystem;

// An e2fsprogs tool at its Debian path (not every user has sbin in PATH).
std::string SbinTool(const std::string& name) {
  for (const std::string dir : {"/usr/sbin/", "/sbin/"}) {
    if (access((dir + name).c_str(), X_OK) == 0) {
      return dir + name;
    }
  }
  return name;
}

bool MakeSparseFile(const std::string& path, std::uint64_t size, std::string* error) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(size)) != 0) {
    *error = "creating " + path + ": " + std::strerror(errno);
    if (fd >= 0) {
      close(fd);
    }
    return false;
  }
  close(fd);
  return true;
}

// Temporary files of this volume left by a killed command.
void RemoveLeftovers(const std::string& dir, const std::string& volume) {
  std::error_code ec;
  const std::string prefix = "." + volume + ".";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(prefix)) {
      fs::remove(entry.path(), ec);
    }
  }
}

// A temporary file of the volume beside its disk (RemoveLeftovers finds it).
std::string TempPath(const state::Layout& layout, const std::string& volume,
                     const std::string& ext) {
  return VolumesDir(layout) + "/." + volume + "." + std::to_string(getpid()) + ext;
}

// Converts `raw` (removed in any case) into the volume's disk, replacing it
// in one rename.
bool InstallFromRaw(const state::Layout& layout, const std::string& volume, const std::string& raw,
                    std::string* error) {
  const std::string qcow = TempPath(layout, volume, ".qcow2");
  const std::string path = VolumeDiskPath(layout, volume);
  const bool ok = commands::RunTool(
      {"qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, qcow}, error);
  std::error_code ec;
  fs::remove(raw, ec);
  if (!ok || rename(qcow.c_str(), path.c_str()) != 0) {
    if (ok) {
      *error = "renaming " + qcow + ": " + std::strerror(errno);
    }
    fs::remove(qcow, ec);
    return false;
  }
  return true;
}

bool MakeVolumeDisk(const state::Layout& layout, const compose::Volume& volume,
                    std::string* error) {
  const std::string raw = TempPath(layout, volume.name, ".raw");
  // The label holds 16 bytes; a longer name is still the disk's serial.
  std::vector<std::string> mkfs = {SbinTool("mke2fs"), "-q", "-F", "-t", "ext4", "-m", "0"};
  if (volume.name.size() <= 16) {
    mkfs.insert(mkfs.end(), {"-L", volume.name});
  }
  // Lazy init: on a sparse file the tables are zeros already, and the
  // qcow2 stays small.
  mkfs.insert(mkfs.end(), {"-E", "lazy_itable_init=1,lazy_journal_init=1", raw});
  if (!MakeSparseFile(raw, volume.size_bytes, error) || !commands::RunTool(mkfs, error)) {
    std::error_code ec;
    fs::remove(raw, ec);
    return false;
  }
  return InstallFromRaw(layout, volume.name, raw, error);
}

}  // namespace

std::string VolumesDir(const state::Layout& layout) {
  return layout.root + "/volumes";
}

std::string VolumeDiskPath(const state::Layout& layout, const std::string& volume) {
  return VolumesDir(layout) + "/" + volume + ".qcow2";
}

bool GrowVolumeDisk(const state::Layout& layout, const compose::Volume& volume,
                    std::string* error) {
  RemoveLeftovers(VolumesDir(layout), volume.name);
  const std::string raw = TempPath(layout, volume.name, ".raw");
  // e2fsck -p answers 1 when it corrected something (a journal replayed
  // after a VM was killed); resize2fs insists on a freshly checked file
  // system and grows it to the file's size.
  bool ok = commands::RunTool({"qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw",
                               VolumeDiskPath(layout, volume.name), raw},
                              error);
  if (ok && truncate(raw.c_str(), static_cast<off_t>(volume.size_bytes)) != 0) {
    *error = "growing " + raw + ": " + std::strerror(errno);
    ok = false;
  }
  ok = ok && commands::RunTool({SbinTool("e2fsck"), "-f", "-p", raw}, error, 1) &&
       commands::RunTool({SbinTool("resize2fs"), raw}, error);
  if (!ok) {
    std::error_code ec;
    fs::remove(raw, ec);
    return false;
  }
  return InstallFromRaw(layout, volume.name, raw, error);
}

bool EnsureVolumeDisk(const state::Layout& layout, const compose::Volume& volume,
                      const std::string& busy, DiskChange* change, std::string* error) {
  *change = DiskChange::kNone;
  const std::string path = VolumeDiskPath(layout, volume.name);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    const std::uint64_t have = QcowVirtualSize(path);
    const std::string sizes = "its disk has " + images::FormatBytes(have) +
                              ", the compose file says " + images::FormatBytes(volume.size_bytes);
    if (have == 0 || have == volume.size_bytes) {
      return true;  // an unreadable header is QEMU's to report
    }
    if (have > volume.size_bytes) {
      *error = sizes + ": volumes never shrink (that would lose data); set its size back, or " +
               "`qemu-compose volume rm " + volume.name + "` deletes it with its data";
      return false;
    }
    if (!busy.empty()) {
      *error = sizes + ": it grows only while no VM runs with it, and " + busy +
               " does: stop it, then `up`";
      return false;
    }
    if (!GrowVolumeDisk(layout, volume, error)) {
      *error = "growing it (" + sizes + "): " + *error;
      return false;
    }
    *change = DiskChange::kGrown;
    return true;
  }
  if (!state::MakeDirs(VolumesDir(layout), error)) {
    return false;
  }
  RemoveLeftovers(VolumesDir(layout), volume.name);
  if (!MakeVolumeDisk(layout, volume, error)) {
    return false;
  }
  *change = DiskChange::kCreated;
  return true;
}

std::uint64_t QcowVirtualSize(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  std::array<unsigned char, 32> header{};
  const bool read_all = pread(fd, header.data(), header.size(), 0) == 32;
  close(fd);
  if (!read_all || std::memcmp(header.data(), "QFI\xfb", 4) != 0) {
    return 0;
  }
  std::uint64_t size = 0;
  for (std::size_t i = 24; i < 32; ++i) {
    size = (size << 8) | header[i];
  }
  return size;
}

std::vector<std::string> ExistingVolumes(const state::Layout& layout) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(VolumesDir(layout), ec)) {
    const std::string file = entry.path().filename().string();
    if (!file.starts_with(".") && entry.path().extension() == ".qcow2") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace qc::volumes
