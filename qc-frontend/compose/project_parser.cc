#include "compose/project_parser.h"

#include <map>

#include "compose/names.h"
#include "compose/project_checks.h"
#include "compose/subnet.h"
#include "compose/units.h"
#include "compose/vm_volumes.h"

namespace qc::compose {
namespace {

const std::vector<std::string> kTopKeys = {"version", "name", "vms", "networks", "volumes"};
const std::vector<std::string> kNetworkKeys = {"driver", "subnet"};
const std::vector<std::string> kVolumeKeys = {"size"};

void ParseNetwork(Reader& reader, const Entry& entry, Network* net) {
  net->name = entry.key;
  net->pos = entry.key_pos;
  const std::string owner = "network '" + entry.key + "'";
  if (!IsValidResourceName(entry.key)) {
    reader.diag().Error(entry.key_pos,
                        "invalid network name '" + entry.key + "': " + kResourceNameRule);
  }
  for (const Entry& field : reader.Map(entry.value, entry.value_pos, owner, "", &kNetworkKeys)) {
    std::optional<std::string> text = reader.String(field, owner);
    if (!text) {
      continue;
    }
    if (field.key == "driver") {
      if (*text != "bridge") {
        reader.diag().Error(field.value_pos, owner + ": unsupported driver '" + *text +
                                                 "' (only 'bridge' is supported)");
        continue;
      }
      net->driver = *text;
    } else if (field.key == "subnet") {
      if (std::string problem = CheckSubnet(*text); !problem.empty()) {
        problem.insert(0, owner + ": ");
        reader.diag().Error(field.value_pos, std::move(problem));
        continue;
      }
      net->subnet = *text;
    }
  }
}

void ParseVolume(Reader& reader, const Entry& entry, Volume* volume) {
  volume->name = entry.key;
  volume->pos = entry.key_pos;
  const std::string owner = "volume '" + entry.key + "'";
  if (!IsValidResourceName(entry.key)) {
    reader.diag().Error(entry.key_pos,
                        "invalid volume name '" + entry.key + "': " + kResourceNameRule);
  } else if (entry.key.size() > kMaxVolumeNameLength) {
    reader.diag().Error(entry.key_pos, "volume name '" + entry.key + "' is longer than " +
                                           std::to_string(kMaxVolumeNameLength) +
                                           " characters: it becomes the disk's serial "
                                           "(/dev/disk/by-id/virtio-NAME in the guest), which "
                                           "holds at most 20");
  }
  for (const Entry& field : reader.Map(entry.value, entry.value_pos, owner, "", &kVolumeKeys)) {
    std::optional<std::string> text = reader.String(field, owner);
    if (!text) {
      continue;
    }
    std::optional<std::uint64_t> bytes = ParseSize(*text, 1);
    if (!bytes || *bytes == 0) {
      reader.diag().Error(field.value_pos, Where(owner, field.key) + ": invalid size '" + *text +
                                               "' (use e.g. 512M, 2G, 10GiB or a number of bytes)");
      continue;
    }
    if (*bytes < kMinVolumeBytes) {
      reader.diag().Error(field.value_pos, Where(owner, field.key) + ": " + *text +
                                               " is too small for an ext4 file system "
                                               "(at least 16M)");
      continue;
    }
    volume->size_bytes = *bytes;
  }
}

}  // namespace

void ParseProject(Reader& reader, const YAML::Node& root, const PathContext& paths,
                  Project* project, std::optional<ParsedName>* name) {
  Diagnostics& diag = reader.diag();
  Entry vms_entry;
  bool have_vms = false;
  for (const Entry& entry : reader.Map(root, {1, 1}, "", "", &kTopKeys)) {
    if (entry.key == "version") {
      if (std::optional<std::string> text = reader.String(entry, "")) {
        project->version = *text;
      }
    } else if (entry.key == "name") {
      if (std::optional<std::string> text = reader.String(entry, "")) {
        *name = ParsedName{*text, entry.value_pos};
      }
    } else if (entry.key == "networks") {
      for (const Entry& net : reader.Map(entry.value, entry.value_pos, "", "networks", nullptr)) {
        ParseNetwork(reader, net, &project->networks[net.key]);
      }
    } else if (entry.key == "volumes") {
      for (const Entry& vol : reader.Map(entry.value, entry.value_pos, "", "volumes", nullptr)) {
        ParseVolume(reader, vol, &project->volumes[vol.key]);
      }
    } else if (entry.key == "vms") {
      vms_entry = entry;
      have_vms = true;
    }
  }
  if (!have_vms) {
    if (root.IsMap()) {
      diag.Error({1, 1}, "no 'vms' defined: a project needs at least one vm");
    }
    return;
  }
  std::map<std::string, VmRefs> refs;
  const std::vector<Entry> vm_entries =
      reader.Map(vms_entry.value, vms_entry.value_pos, "", "vms", nullptr);
  if (vm_entries.empty() && (vms_entry.value.IsNull() || vms_entry.value.IsMap())) {
    diag.Error(vms_entry.key_pos, "'vms' is empty: a project needs at least one vm");
  }
  for (const Entry& entry : vm_entries) {
    ParseVm(reader, entry, paths, &project->vms[entry.key], &refs[entry.key]);
  }
  CheckProject(diag, refs, project);
}

}  // namespace qc::compose
