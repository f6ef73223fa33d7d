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
#include "state/atomic_file.h"

namespace qc::volumes {
namespace {

namespace fs = std::filesystem;

// mke2fs from e2fsprogs at its Debian path (not every user has sbin in PATH).
std::string Mke2fs() {
  for (const char* p : {"/usr/sbin/mke2fs", "/sbin/mke2fs"}) {
    if (access(p, X_OK) == 0) {
      return p;
    }
  }
  return "mke2fs";
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

}  // namespace

std::string VolumesDir(const state::Layout& layout) {
  return layout.root + "/volumes";
}

std::string VolumeDiskPath(const state::Layout& layout, const std::string& volume) {
  return VolumesDir(layout) + "/" + volume + ".qcow2";
}

bool EnsureVolumeDisk(const state::Layout& layout, const compose::Volume& volume, bool* created,
                      std::string* error) {
  *created = false;
  const std::string path = VolumeDiskPath(layout, volume.name);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return true;
  }
  const std::string dir = VolumesDir(layout);
  if (!state::MakeDirs(dir, error)) {
    return false;
  }
  RemoveLeftovers(dir, volume.name);
  const std::string tag = "." + volume.name + "." + std::to_string(getpid());
  const std::string raw = dir + "/" + tag + ".raw";
  const std::string qcow = dir + "/" + tag + ".qcow2";
  // The label holds 16 bytes; a longer name is still the disk's serial.
  std::vector<std::string> mkfs = {Mke2fs(), "-q", "-F", "-t", "ext4", "-m", "0"};
  if (volume.name.size() <= 16) {
    mkfs.insert(mkfs.end(), {"-L", volume.name});
  }
  // Lazy init: on a sparse file the tables are zeros already, and the
  // qcow2 stays small.
  mkfs.insert(mkfs.end(), {"-E", "lazy_itable_init=1,lazy_journal_init=1", raw});
  const bool ok = MakeSparseFile(raw, volume.size_bytes, error) && commands::RunTool(mkfs, error) &&
                  commands::RunTool(
                      {"qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, qcow}, error);
  fs::remove(raw, ec);
  if (!ok || rename(qcow.c_str(), path.c_str()) != 0) {
    if (ok) {
      *error = "renaming " + qcow + ": " + std::strerror(errno);
    }
    fs::remove(qcow, ec);
    return false;
  }
  *created = true;
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

bool AddVolumeDisks(const state::Layout& layout, const compose::Project& project,
                    const std::string& vm, qc::vm::VmSpec* spec, std::string* error) {
  for (const compose::VolumeMount& m : project.vms.at(vm).mounts) {
    if (!m.named) {
      continue;
    }
    bool created = false;
    if (!EnsureVolumeDisk(layout, project.volumes.at(m.source), &created, error)) {
      *error = "volume '" + m.source + "': " + *error;
      return false;
    }
    auto* disk = spec->add_disks();
    disk->set_path(VolumeDiskPath(layout, m.source));
    disk->set_format("qcow2");
    disk->set_readonly(m.read_only);
    disk->set_serial(m.source);
  }
  return true;
}

}  // namespace qc::volumes
