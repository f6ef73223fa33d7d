#include "compose/vm_parser.h"

#include <filesystem>
#include <optional>

#include "compose/guest_parser.h"
#include "compose/image_fields.h"
#include "compose/names.h"
#include "compose/units.h"
#include "compose/vm_fields.h"
#include "compose/vm_volumes.h"

namespace qc::compose {
namespace {

const std::vector<std::string> kVmKeys = {
    "image",      "kernel",      "initrd",  "cmdline", "cpu",   "memory",
    "disk",       "networks",    "volumes", "ports",   "accel", "stop_grace_period",
    "depends_on", "image_digest"};
const std::vector<std::string> kDiskKeys = {"size"};

std::vector<std::string> AllVmKeys() {
  std::vector<std::string> keys = kVmKeys;
  keys.insert(keys.end(), kGuestKeys.begin(), kGuestKeys.end());
  return keys;
}

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

std::optional<std::uint64_t> ReadSize(Reader& reader, const Entry& entry, const std::string& owner,
                                      std::uint64_t plain_unit, const std::string& plain_meaning) {
  std::optional<std::string> text = reader.String(entry, owner);
  if (!text) {
    return std::nullopt;
  }
  std::optional<std::uint64_t> bytes = ParseSize(*text, plain_unit);
  if (!bytes || *bytes == 0) {
    reader.diag().Error(entry.value_pos, Where(owner, entry.key) + ": invalid size '" + *text +
                                             "' (use e.g. 512M, 2G, 10GiB or " + plain_meaning +
                                             ")");
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

std::string ResolvePath(const PathContext& ctx, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || path.find("://") != std::string::npos) {
    return path;
  }
  if (path == "~" || path.starts_with("~/")) {
    return (fs::path(ctx.home) / path.substr(std::min<std::size_t>(2, path.size())))
        .lexically_normal()
        .string();
  }
  fs::path p(path);
  if (p.is_relative()) {
    p = fs::path(ctx.project_dir) / p;
  }
  std::string out = p.lexically_normal().string();
  // "./data/" and "./data" mean the same directory.
  while (out.size() > 1 && out.back() == '/') {
    out.pop_back();
  }
  return out;
}

void ParseVm(Reader& reader, const Entry& entry, const PathContext& paths, Vm* vm, VmRefs* refs) {
  Diagnostics& diag = reader.diag();
  vm->name = entry.key;
  vm->pos = entry.key_pos;
  refs->name_pos = entry.key_pos;
  const std::string owner = "vm '" + entry.key + "'";
  if (!IsValidVmName(entry.key)) {
    diag.Error(entry.key_pos, "invalid vm name '" + entry.key + "': " + kVmNameRule);
  }
  // .qemu-compose/<vm>/ must not be one of the project's own folders.
  for (const char* reserved : {"dnsmasq", "ssh", "volumes"}) {
    if (entry.key == reserved) {
      diag.Error(entry.key_pos, "vm name '" + entry.key + "' is reserved: .qemu-compose/" +
                                    entry.key + "/ holds the project's own files");
    }
  }
  if (entry.value.IsNull()) {
    diag.Error(entry.key_pos, owner + ": needs 'image' or 'kernel'");
    return;
  }
  bool has_boot_source = false;
  Entry initrd_entry;
  Entry cmdline_entry;
  Entry digest_entry;
  GuestRefs guest_refs;
  static const std::vector<std::string> kAllVmKeys = AllVmKeys();
  for (const Entry& field : reader.Map(entry.value, entry.value_pos, owner, "", &kAllVmKeys)) {
    const std::string& key = field.key;
    if (ParseGuestKey(reader, field, paths, owner, &vm->guest, &guest_refs)) {
      continue;
    }
    if (key == "image") {
      // An invalid image is reported by ReadImage; not "needs 'image'" as well.
      has_boot_source = true;
      ReadImage(reader, field, owner, paths, vm);
    } else if (key == "image_digest") {
      ReadImageDigest(reader, field, owner, vm);
      digest_entry = field;
    } else if (key == "kernel" || key == "initrd") {
      std::optional<std::string> text = reader.String(field, owner);
      if (!text) {
        has_boot_source = has_boot_source || key != "initrd";
        continue;
      }
      std::string resolved = ResolvePath(paths, *text);
      if (key == "kernel") {
        vm->kernel = resolved;
      }
      if (key == "initrd") {
        vm->initrd = resolved;
        initrd_entry = field;
      }
      has_boot_source = has_boot_source || (key != "initrd" && !resolved.empty());
    } else if (key == "cmdline") {
      if (std::optional<std::string> text = reader.String(field, owner)) {
        vm->cmdline = *text;
      }
      cmdline_entry = field;
    } else if (key == "cpu") {
      std::optional<std::string> text = reader.String(field, owner);
      if (!text) {
        continue;
      }
      std::optional<unsigned> cpus = ParseDecimal(*text, 64);
      if (!cpus || *cpus == 0) {
        diag.Error(field.value_pos,
                   Where(owner, key) + " must be an integer from 1 to 64, got '" + *text + "'");
        continue;
      }
      vm->cpus = *cpus;
    } else if (key == "memory") {
      std::optional<std::uint64_t> bytes = ReadSize(reader, field, owner, kMiB, "a number of MiB");
      if (!bytes) {
        continue;
      }
      if (*bytes % kMiB != 0) {
        diag.Error(field.value_pos, Where(owner, key) + " must be a whole number of MiB, got " +
                                        std::to_string(*bytes) + " bytes");
        continue;
      }
      vm->memory_mb = *bytes / kMiB;
    } else if (key == "disk") {
      for (const Entry& disk_field :
           reader.Map(field.value, field.value_pos, owner, "disk", &kDiskKeys)) {
        const std::string disk_owner = owner + ": disk";
        if (std::optional<std::uint64_t> bytes =
                ReadSize(reader, disk_field, disk_owner, 1, "a number of bytes")) {
          vm->disk.size_bytes = *bytes;
        }
      }
    } else if (key == "networks") {
      if (std::optional<std::vector<Item>> items = reader.StringList(field, owner)) {
        for (const Item& item : *items) {
          bool repeated = false;
          for (const std::string& n : vm->networks) {
            repeated = repeated || n == item.text;
          }
          if (repeated) {
            diag.Error(item.pos, owner + ": network '" + item.text + "' is listed twice");
            continue;
          }
          vm->networks.push_back(item.text);
          refs->networks.push_back(item);
        }
      }
    } else if (key == "volumes") {
      ParseVmVolumes(reader, field, owner, paths, vm, refs);
    } else if (key == "ports") {
      refs->ports_pos = field.key_pos;
      std::optional<std::vector<Item>> items = reader.StringList(field, owner);
      if (!items) {
        continue;
      }
      for (const Item& item : *items) {
        PortMapping mapping;
        std::string problem = ParsePortMapping(item.text, &mapping);
        if (!problem.empty()) {
          problem.insert(0, owner + ": ");
          diag.Error(item.pos, std::move(problem));
          continue;
        }
        vm->ports.push_back(mapping);
        refs->ports.push_back(item);
      }
    } else if (key == "accel") {
      std::optional<std::string> text = reader.String(field, owner);
      if (!text) {
        continue;
      }
      if (*text != "kvm" && *text != "tcg") {
        diag.Error(field.value_pos,
                   Where(owner, key) + " must be 'kvm' or 'tcg', got '" + *text + "'");
        continue;
      }
      vm->accel = *text;
    } else if (key == "stop_grace_period") {
      std::optional<std::string> text = reader.String(field, owner);
      if (!text) {
        continue;
      }
      std::optional<std::uint32_t> seconds = ParseDurationSeconds(*text);
      if (!seconds) {
        diag.Error(field.value_pos, Where(owner, key) + ": invalid duration '" + *text +
                                        "' (use e.g. 30s, 1m30s or a number of seconds)");
        continue;
      }
      vm->stop_grace_period_s = *seconds;
    } else if (key == "depends_on") {
      if (std::optional<std::vector<Item>> items = reader.StringList(field, owner)) {
        for (const Item& item : *items) {
          vm->depends_on.push_back(item.text);
          refs->depends_on.push_back(item);
        }
      }
    }
  }
  if (!has_boot_source) {
    diag.Error(entry.key_pos, owner + ": needs 'image' or 'kernel'");
  }
  CheckMountsNeedSeed(diag, *vm, owner);
  CheckGuest(diag, *vm, guest_refs, owner);
  if (vm->kernel.empty() && !vm->initrd.empty()) {
    diag.Error(initrd_entry.key_pos, owner + ": 'initrd' needs 'kernel'");
  }
  if (vm->kernel.empty() && !vm->cmdline.empty()) {
    diag.Error(cmdline_entry.key_pos, owner + ": 'cmdline' needs 'kernel'");
  }
  if (vm->image.empty() && !vm->image_digest.empty()) {
    diag.Error(digest_entry.key_pos, owner + ": 'image_digest' needs 'image'");
  }
}

}  // namespace qc::compose
