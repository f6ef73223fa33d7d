// The compose model: what a qemu-compose.yaml means after parsing,
// interpolation, defaults and validation. Produced by compose/loader, read
// by the planner and the commands. Paths are absolute (resolved against the
// compose file's directory).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compose/guest_model.h"

namespace qc::compose {

struct SourcePos {  // 1-based, for error messages
  int line = 0;
  int column = 0;
};

struct PortMapping {
  std::uint16_t host = 0;  // on 127.0.0.1
  std::uint16_t guest = 0;
  std::string protocol = "tcp";
};

// One `volumes:` entry of a VM (short "SRC:TARGET[:ro]" or long form): a
// named volume (top-level `volumes:`, a disk) or a host directory (shared
// with virtiofs), optionally mounted at a guest path by the seed.
struct VolumeMount {
  std::string source;         // volume name, or absolute host path
  bool named = false;         // true: source names a Volume entry
  std::string target;         // absolute guest path; "" = attach only (named volumes)
  bool read_only = false;     // ":ro" / read_only: enforced on the host
  bool automount = true;      // mount at target at boot; false = attach only
  std::string mount_options;  // extra options for the guest's mount (fstab syntax)
  SourcePos pos;
};

struct DiskConfig {
  std::uint64_t size_bytes = 0;  // 0 = image's own size
};

struct Vm {
  std::string name;   // valid hostname label
  std::string image;  // normalised http(s)/file URL, absolute path, or "" (direct kernel boot)
  std::string image_digest;  // "sha256:<hex>" / "sha512:<hex>" (lowercase) or ""
  std::string kernel, initrd, cmdline;
  std::uint32_t cpus = 1;
  std::uint64_t memory_mb = 512;
  DiskConfig disk;
  std::vector<std::string> networks;  // names of Network entries, in NIC order
  std::vector<std::string> volumes;   // names of Volume entries used, first use order, no repeats
  std::vector<VolumeMount> mounts;    // every `volumes:` entry as written (paths absolute)
  std::vector<PortMapping> ports;     // user-mode VMs only
  std::string accel;                  // "", "kvm", "tcg"
  std::uint32_t stop_grace_period_s = 30;
  std::vector<std::string> depends_on;
  GuestConfig guest;  // cloud-image login, cloud-init, firmware, healthcheck
  SourcePos pos;
};

struct Network {
  std::string name;
  std::string driver = "bridge";
  std::string subnet = "auto";  // "auto" or a CIDR such as "172.20.5.0/24"
  SourcePos pos;
};

struct Volume {
  std::string name;
  std::uint64_t size_bytes = 10ULL << 30;  // default 10G
  SourcePos pos;
};

struct Project {
  std::string name;          // normalised project name
  std::string compose_file;  // absolute path
  std::string project_dir;   // absolute directory of the compose file
  std::string version;
  std::map<std::string, Vm> vms;  // ordered by name
  std::map<std::string, Network> networks;
  std::map<std::string, Volume> volumes;
  std::vector<std::string> start_order;  // VM names, depends_on respected
};

}  // namespace qc::compose
