#include "compose/vm_volumes.h"

#include <filesystem>
#include <optional>
#include <system_error>

#include "compose/vm_fields.h"

namespace qc::compose {
namespace {

const std::vector<std::string> kMountKeys = {"type",      "source",    "target",
                                             "read_only", "automount", "mount_options"};

bool HasBlankOrControl(const std::string& s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f || c == '\\') {
      return true;
    }
  }
  return false;
}

std::optional<bool> ReadBool(Reader& reader, const Entry& entry, const std::string& owner) {
  std::optional<std::string> text = reader.String(entry, owner);
  if (!text) {
    return std::nullopt;
  }
  if (*text == "true" || *text == "false") {
    return *text == "true";
  }
  reader.diag().Error(entry.value_pos,
                      Where(owner, entry.key) + " must be true or false, got '" + *text + "'");
  return std::nullopt;
}

// The long form. false if it has an error (already reported).
bool ParseLongForm(Reader& reader, const YAML::Node& node, SourcePos pos, const std::string& owner,
                   VolumeMount* out) {
  Diagnostics& diag = reader.diag();
  const std::size_t errors_before = diag.ErrorCount();
  std::string type;
  SourcePos type_pos;
  bool have_source = false;
  for (const Entry& field : reader.Map(node, pos, owner, "volumes", &kMountKeys)) {
    const std::string& key = field.key;
    if (key == "read_only" || key == "automount") {
      if (std::optional<bool> b = ReadBool(reader, field, owner)) {
        (key == "read_only" ? out->read_only : out->automount) = *b;
      }
      continue;
    }
    std::optional<std::string> text = reader.String(field, owner);
    if (!text) {
      continue;
    }
    if (key == "type") {
      if (*text != "volume" && *text != "bind") {
        diag.Error(field.value_pos, owner + ": volume type '" + *text +
                                        "' is not supported (use 'volume' or 'bind')");
        continue;
      }
      type = *text;
      type_pos = field.value_pos;
    } else if (key == "source") {
      out->source = *text;
      have_source = !text->empty();
    } else if (key == "target") {
      out->target = *text;
    } else if (key == "mount_options") {
      out->mount_options = *text;
    }
  }
  if (diag.ErrorCount() != errors_before) {
    return false;
  }
  if (!have_source) {
    diag.Error(pos, owner + ": a volumes entry needs 'source' (a volume name or a host path)");
    return false;
  }
  out->named = type.empty() ? !IsHostPathSyntax(out->source) : type == "volume";
  if (type == "volume" && IsHostPathSyntax(out->source)) {
    diag.Error(type_pos, owner + ": 'type: volume' but source '" + out->source +
                             "' is a host path (use 'type: bind')");
    return false;
  }
  if (!out->named && out->target.empty()) {
    diag.Error(pos, owner + ": a host directory needs 'target', the guest path to mount it at");
    return false;
  }
  return true;
}

// Checks shared by both forms; "" or the problem.
std::string CheckMount(const PathContext& paths, VolumeMount* m) {
  if (!m->target.empty()) {
    std::string normal;
    if (std::string problem = CheckGuestTarget(m->target, &normal); !problem.empty()) {
      return problem;
    }
    m->target = normal;
  }
  if (std::string problem = CheckMountOptions(m->mount_options); !problem.empty()) {
    return problem;
  }
  if (m->named) {
    return "";
  }
  m->source = ResolvePath(paths, m->source);
  if (HasBlankOrControl(m->source) || m->source.find(',') != std::string::npos) {
    // virtiofsd takes the path inside a comma-separated option list.
    return "the host path contains a comma, a blank or a control character";
  }
  std::error_code ec;
  if (std::filesystem::exists(m->source, ec) && !std::filesystem::is_directory(m->source, ec)) {
    return "the host path is not a directory: only directories can be shared (share the "
           "directory that holds it)";
  }
  return "";
}

}  // namespace

std::string CheckGuestTarget(const std::string& target, std::string* normal) {
  if (target.empty() || target[0] != '/') {
    return "target '" + target + "' must be an absolute guest path";
  }
  if (HasBlankOrControl(target)) {
    return "target '" + target + "' contains a blank, a backslash or a control character";
  }
  std::string out = target;
  while (out.size() > 1 && out.back() == '/') {
    out.pop_back();
  }
  for (const auto& part : std::filesystem::path(out)) {
    if (part == "..") {
      return "target '" + target + "' must not contain '..'";
    }
  }
  if (out == "/") {
    return "target '/' would hide the guest's root file system";
  }
  *normal = out;
  return "";
}

std::string CheckMountOptions(const std::string& options) {
  for (char c : options) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '=' || c == ',' || c == '.' || c == '_' || c == ':' || c == '+' ||
                    c == '-';
    if (!ok) {
      return "mount_options '" + options +
             "' may only hold letters, digits and = , . _ : + - (e.g. 'noatime,cache=auto')";
    }
  }
  return "";
}

void ParseVmVolumes(Reader& reader, const Entry& field, const std::string& owner,
                    const PathContext& paths, Vm* vm, VmRefs* refs) {
  Diagnostics& diag = reader.diag();
  if (field.value.IsNull()) {
    return;
  }
  if (!field.value.IsSequence()) {
    reader.TypeError(field, owner, "a list of volume entries");
    return;
  }
  for (const YAML::Node& element : field.value) {
    const SourcePos pos = PosOf(element);
    VolumeMount mount;
    mount.pos = pos;
    std::string text;
    if (element.IsScalar()) {
      std::optional<std::string> expanded =
          reader.Expand(element.Scalar(), pos, Where(owner, field.key));
      if (!expanded) {
        continue;
      }
      text = "volume entry '" + *expanded + "'";
      if (std::string problem = ParseVolumeEntry(*expanded, &mount); !problem.empty()) {
        problem.insert(0, owner + ": ");
        diag.Error(pos, std::move(problem));
        continue;
      }
      mount.pos = pos;
    } else if (element.IsMap()) {
      if (!ParseLongForm(reader, element, pos, owner, &mount)) {
        continue;
      }
      text = "volume entry '" + mount.source + "'";
    } else {
      diag.Error(pos, Where(owner, field.key) + " entries must be strings or mappings, got " +
                          Describe(element));
      continue;
    }
    if (std::string problem = CheckMount(paths, &mount); !problem.empty()) {
      text.insert(0, owner + ": ");
      problem.insert(0, text + ": ");
      diag.Error(pos, std::move(problem));
      continue;
    }
    bool clash = false;
    for (const VolumeMount& other : vm->mounts) {
      if (!mount.target.empty() && other.target == mount.target) {
        diag.Error(pos, owner + ": two volumes are mounted at '" + mount.target + "' (line " +
                            std::to_string(other.pos.line) + " and this one)");
        clash = true;
      } else if (mount.named && other.named && other.source == mount.source) {
        diag.Error(pos, owner + ": volume '" + mount.source + "' is listed twice (line " +
                            std::to_string(other.pos.line) + ")");
        clash = true;
      }
    }
    if (clash) {
      continue;
    }
    if (mount.named) {
      vm->volumes.push_back(mount.source);
      refs->volumes.push_back({mount.source, pos});
    }
    vm->mounts.push_back(std::move(mount));
  }
}

void CheckMountsNeedSeed(Diagnostics& diag, const Vm& vm, const std::string& owner) {
  if (!vm.image.empty()) {
    return;
  }
  int share = 0;  // the tags of volumes/attach.h: qc:share0, qc:share1, ...
  for (const VolumeMount& m : vm.mounts) {
    const std::string how =
        m.named ? "mount /dev/disk/by-id/virtio-" + m.source + " " + m.target
                : "mount -t virtiofs qc:share" + std::to_string(share++) + " " + m.target;
    if (!m.automount || m.target.empty()) {
      continue;
    }
    std::string message = owner;
    message += ": nothing would mount this volume at '" + m.target +
               "': that is done by the cloud-init seed of a VM with 'image', and a VM booted "
               "with 'kernel' has none; write the entry in the long form with 'automount: "
               "false' and mount it in the guest (`";
    message += how;
    message += "`)";
    diag.Error(m.pos, std::move(message));
  }
}

}  // namespace qc::compose
