#include "spec_validate.h"

#include "str_cat.h"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <regex>
#include <set>
#include <utility>

namespace qc::runner {
namespace {

const std::regex& NameRe() {
  static const std::regex re("[a-z0-9][a-z0-9-]{0,62}");
  return re;
}

bool Fail(std::string* err, std::string msg) {
  *err = std::move(msg);
  return false;
}

std::string Quote(const std::string& s) {
  return "\"" + s + "\"";
}

bool HasControlChars(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      return true;
    }
  }
  return false;
}

// Absolute, no ".." component, no control characters.
bool CheckPathShape(const std::string& what, const std::string& path, std::string* err) {
  if (path.empty() || path[0] != '/') {
    return Fail(err, what + " " + Quote(path) + " must be an absolute path");
  }
  if (HasControlChars(path)) {
    return Fail(err, what + " " + Quote(path) + " contains control characters");
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    if (path.compare(start, end - start, "..") == 0) {
      return Fail(err, what + " " + Quote(path) + " must not contain \"..\"");
    }
    start = end + 1;
  }
  return true;
}

bool IsInside(const std::string& path, std::string root) {
  while (root.size() > 1 && root.back() == '/') {
    root.pop_back();
  }
  if (root == "/") {
    return true;
  }
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

bool ValidMac(const std::string& mac) {
  static const std::regex re("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
  return std::regex_match(mac, re);
}

bool CheckNic(const qc::vm::Nic& nic, const std::string& what, std::size_t fd_count,
              std::set<unsigned>* used_fds, std::string* err) {
  if (!ValidMac(nic.mac())) {
    return Fail(err, what + ": mac " + Quote(nic.mac()) +
                         " is invalid: expected six hex octets like 52:54:00:12:34:56");
  }
  if ((std::stoul(nic.mac().substr(0, 2), nullptr, 16) & 1U) != 0) {
    return Fail(err, what + ": mac " + Quote(nic.mac()) + " is a multicast address");
  }
  if (nic.user_mode()) {
    if (nic.tap_fd_index_size() > 0 || !nic.tap_name().empty() || !nic.bridge().empty()) {
      return Fail(err, what + ": a user_mode NIC must not name TAP fds, tap_name or bridge");
    }
    std::set<std::pair<std::string, unsigned>> host_ports;
    for (const auto& fwd : nic.forwards()) {
      std::string proto = fwd.protocol().empty() ? "tcp" : fwd.protocol();
      if (proto != "tcp" && proto != "udp") {
        return Fail(err, what + ": port forward protocol " + Quote(fwd.protocol()) +
                             " is invalid: use tcp or udp");
      }
      if (fwd.host_port() < 1 || fwd.host_port() > 65535 || fwd.guest_port() < 1 ||
          fwd.guest_port() > 65535) {
        return Fail(err, StrCat(what, ": port forward ", std::to_string(fwd.host_port()), "->",
                                std::to_string(fwd.guest_port()), " is out of range 1..65535"));
      }
      if (!host_ports.emplace(proto, fwd.host_port()).second) {
        return Fail(err, StrCat(what, ": host port ", std::to_string(fwd.host_port()), "/", proto,
                                " is forwarded twice"));
      }
    }
    return true;
  }
  if (nic.forwards_size() > 0) {
    return Fail(err, what + ": port forwards need user_mode networking");
  }
  if (nic.tap_fd_index_size() == 0) {
    return Fail(err, what + ": has neither TAP fds nor user_mode");
  }
  if (nic.tap_fd_index_size() > kMaxQueuesPerNic) {
    return Fail(err, what + ": " + std::to_string(nic.tap_fd_index_size()) + " TAP fds, at most " +
                         std::to_string(kMaxQueuesPerNic));
  }
  static const std::regex tap_re("tap-[a-z0-9-]{1,11}");
  static const std::regex bridge_re("qc-[a-z0-9-]{1,12}");
  if (!std::regex_match(nic.tap_name(), tap_re)) {
    return Fail(err, what + ": tap_name " + Quote(nic.tap_name()) +
                         " is invalid: must match tap-[a-z0-9-]{1,11}");
  }
  if (!std::regex_match(nic.bridge(), bridge_re)) {
    return Fail(err, what + ": bridge " + Quote(nic.bridge()) +
                         " is invalid: must match qc-[a-z0-9-]{1,12}");
  }
  for (unsigned idx : nic.tap_fd_index()) {
    if (idx >= fd_count) {
      return Fail(err, what + ": tap_fd_index " + std::to_string(idx) + " but only " +
                           std::to_string(fd_count) + " fds were passed");
    }
    if (!used_fds->insert(idx).second) {
      return Fail(err, what + ": tap_fd_index " + std::to_string(idx) + " is used twice");
    }
  }
  return true;
}

bool CheckFile(const std::string& what, const std::string& path, bool writable, std::string* err) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Fail(err, what + " " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Fail(err, what + " " + path + " is not a regular file");
  }
  if (access(path.c_str(), writable ? R_OK | W_OK : R_OK) != 0) {
    return Fail(err, what + " " + path + " is not " +
                         (writable ? "readable and writable" : "readable") + ": " +
                         std::strerror(errno));
  }
  return true;
}

}  // namespace

bool ValidateSpecFields(const qc::vm::VmSpec& spec, std::size_t fd_count, std::string* err) {
  if (!std::regex_match(spec.name(), NameRe())) {
    return Fail(err,
                "name " + Quote(spec.name()) + " is invalid: must match [a-z0-9][a-z0-9-]{0,62}");
  }
  if (!std::regex_match(spec.project(), NameRe())) {
    return Fail(err, "project " + Quote(spec.project()) +
                         " is invalid: must match [a-z0-9][a-z0-9-]{0,62}");
  }
  if (spec.cpus() < kMinCpus || spec.cpus() > kMaxCpus) {
    return Fail(err, "cpus must be between " + std::to_string(kMinCpus) + " and " +
                         std::to_string(kMaxCpus) + ", got " + std::to_string(spec.cpus()));
  }
  if (spec.memory_mb() < kMinMemoryMb || spec.memory_mb() > kMaxMemoryMb) {
    return Fail(err, "memory_mb must be between " + std::to_string(kMinMemoryMb) + " and " +
                         std::to_string(kMaxMemoryMb) + ", got " +
                         std::to_string(spec.memory_mb()));
  }
  if (!spec.accel().empty() && spec.accel() != "kvm" && spec.accel() != "tcg") {
    return Fail(err,
                "accel " + Quote(spec.accel()) + " is invalid: use kvm, tcg or leave it empty");
  }
  static const std::regex machine_re("[a-z0-9][a-z0-9._-]{0,63}");
  if (!spec.machine().empty() && !std::regex_match(spec.machine(), machine_re)) {
    return Fail(err, "machine " + Quote(spec.machine()) +
                         " is invalid: must match [a-z0-9][a-z0-9._-]{0,63}");
  }
  if (!CheckPathShape("state_root", spec.state_root(), err) ||
      !CheckPathShape("instance_dir", spec.instance_dir(), err)) {
    return false;
  }
  if (!IsInside(spec.instance_dir(), spec.state_root())) {
    return Fail(err, "instance_dir " + Quote(spec.instance_dir()) + " is not inside state_root " +
                         Quote(spec.state_root()));
  }
  // QEMU creates qmp.sock and console.sock there; sun_path is small.
  if (spec.instance_dir().size() + std::strlen("/console.sock") >= sizeof(sockaddr_un{}.sun_path)) {
    return Fail(
        err, "instance_dir " + Quote(spec.instance_dir()) +
                 " is too long for a unix socket path (at most " +
                 std::to_string(sizeof(sockaddr_un{}.sun_path) - 1 - std::strlen("/console.sock")) +
                 " bytes)");
  }
  if (!spec.qemu_binary().empty() && !CheckPathShape("qemu_binary", spec.qemu_binary(), err)) {
    return false;
  }
  for (int i = 0; i < spec.disks_size(); ++i) {
    const auto& disk = spec.disks(i);
    std::string what = "disk " + std::to_string(i);
    if (!CheckPathShape(what, disk.path(), err)) {
      return false;
    }
    if (!IsInside(disk.path(), spec.state_root())) {
      return Fail(err, what + " " + Quote(disk.path()) + " is not inside state_root " +
                           Quote(spec.state_root()));
    }
    if (disk.format() != "qcow2" && disk.format() != "raw") {
      return Fail(err, what + ": format " + Quote(disk.format()) + " is invalid: use qcow2 or raw");
    }
    static const std::regex serial_re("[a-z0-9_-]{0,20}");
    if (!std::regex_match(disk.serial(), serial_re)) {
      return Fail(err, what + ": serial " + Quote(disk.serial()) +
                           " is invalid: must match [a-z0-9_-]{0,20}");
    }
  }
  std::set<std::string> tags;
  for (int i = 0; i < spec.shared_dirs_size(); ++i) {
    // A shared directory is the one input the guest reaches: any directory
    // the user names, outside state_root (SECURITY.md, "Shared directories").
    const auto& dir = spec.shared_dirs(i);
    const std::string what = "shared_dir " + std::to_string(i);
    if (!CheckPathShape(what, dir.source(), err)) {
      return false;
    }
    if (dir.source().find(',') != std::string::npos) {
      return Fail(err, what + " " + Quote(dir.source()) + " contains a comma");
    }
    static const std::regex tag_re("[a-z0-9][a-z0-9:-]{0,30}");
    if (!std::regex_match(dir.tag(), tag_re)) {
      return Fail(err, what + ": tag " + Quote(dir.tag()) +
                           " is invalid: must match [a-z0-9][a-z0-9:-]{0,30}");
    }
    if (!tags.insert(dir.tag()).second) {
      return Fail(err, what + ": tag " + Quote(dir.tag()) + " is used twice");
    }
  }
  if (!spec.kernel().empty() && !CheckPathShape("kernel", spec.kernel(), err)) {
    return false;
  }
  if (!spec.initrd().empty() && !CheckPathShape("initrd", spec.initrd(), err)) {
    return false;
  }
  if (spec.kernel().empty() && (!spec.initrd().empty() || !spec.cmdline().empty())) {
    return Fail(err, "initrd and cmdline need a kernel");
  }
  if (HasControlChars(spec.cmdline())) {
    return Fail(err, "cmdline contains control characters");
  }
  if (spec.kernel().empty() && spec.disks_size() == 0) {
    return Fail(err, "nothing to boot: give a kernel or at least one disk");
  }
  // UEFI: the code is a read-only input like the kernel; the variable store
  // is written by the guest, so it must be the VM's own copy.
  if (spec.firmware_code().empty() != spec.firmware_vars().empty()) {
    return Fail(err, "firmware_code and firmware_vars go together");
  }
  if (!spec.firmware_code().empty() &&
      (!CheckPathShape("firmware_code", spec.firmware_code(), err) ||
       !CheckPathShape("firmware_vars", spec.firmware_vars(), err))) {
    return false;
  }
  if (!spec.firmware_vars().empty() && !IsInside(spec.firmware_vars(), spec.instance_dir())) {
    return Fail(err, "firmware_vars " + Quote(spec.firmware_vars()) +
                         " is not inside instance_dir " + Quote(spec.instance_dir()));
  }
  std::set<unsigned> used_fds;
  std::set<std::string> macs;
  for (int i = 0; i < spec.nics_size(); ++i) {
    std::string what = "nic " + std::to_string(i);
    if (!CheckNic(spec.nics(i), what, fd_count, &used_fds, err)) {
      return false;
    }
    std::string mac = spec.nics(i).mac();
    for (char& c : mac) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!macs.insert(mac).second) {
      return Fail(err, StrCat(what, ": mac ", mac, " is used by another NIC"));
    }
  }
  if (used_fds.size() != fd_count) {
    return Fail(err, std::to_string(fd_count) + " fds were passed but the NICs use " +
                         std::to_string(used_fds.size()));
  }
  return true;
}

bool CheckHostPaths(const qc::vm::VmSpec& spec, std::string* err) {
  struct stat st {};
  if (stat(spec.instance_dir().c_str(), &st) != 0) {
    return Fail(err, "instance_dir " + spec.instance_dir() + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return Fail(err, "instance_dir " + spec.instance_dir() + " is not a directory");
  }
  if (access(spec.instance_dir().c_str(), W_OK | X_OK) != 0) {
    return Fail(
        err, "instance_dir " + spec.instance_dir() + " is not writable: " + std::strerror(errno));
  }
  if (!spec.kernel().empty() && !CheckFile("kernel", spec.kernel(), false, err)) {
    return false;
  }
  if (!spec.initrd().empty() && !CheckFile("initrd", spec.initrd(), false, err)) {
    return false;
  }
  for (int i = 0; i < spec.shared_dirs_size(); ++i) {
    const auto& dir = spec.shared_dirs(i);
    const std::string what = "shared_dir " + std::to_string(i) + " " + dir.source();
    struct stat dst {};
    if (stat(dir.source().c_str(), &dst) != 0) {
      return Fail(err, what + ": " + std::strerror(errno));
    }
    if (!S_ISDIR(dst.st_mode)) {
      return Fail(err, what + " is not a directory");
    }
    if (access(dir.source().c_str(), dir.readonly() ? R_OK | X_OK : R_OK | W_OK | X_OK) != 0) {
      return Fail(err, what + " is not " + (dir.readonly() ? "readable" : "readable and writable") +
                           ": " + std::strerror(errno));
    }
  }
  for (int i = 0; i < spec.disks_size(); ++i) {
    const auto& disk = spec.disks(i);
    if (!CheckFile("disk " + std::to_string(i), disk.path(), !disk.readonly(), err)) {
      return false;
    }
  }
  if (!spec.firmware_code().empty() &&
      (!CheckFile("firmware_code", spec.firmware_code(), false, err) ||
       !CheckFile("firmware_vars", spec.firmware_vars(), true, err))) {
    return false;
  }
  return true;
}

}  // namespace qc::runner
