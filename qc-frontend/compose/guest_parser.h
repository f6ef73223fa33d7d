// The guest keys of a VM (GuestConfig in guest_model.h): user, cloud_init,
// provision, environment, ssh, firmware, healthcheck. vm_parser hands each
// of these keys here and calls CheckGuest once the VM is read.
#pragma once

#include <string>
#include <vector>

#include "compose/config_tree.h"
#include "compose/model.h"
#include "compose/vm_parser.h"
#include "compose/yaml_reader.h"

namespace qc::compose {

extern const std::vector<std::string> kGuestKeys;

// Where the guest keys were, for checks that need the whole VM.
struct GuestRefs {
  SourcePos seed_key;  // first key that only a cloud image can use (0 = none)
  std::string seed_key_name;
  SourcePos ssh_key;  // `ssh`
};

// Parses `field` if it is a guest key (returns false otherwise).
bool ParseGuestKey(Reader& reader, const Entry& field, const PathContext& paths,
                   const std::string& owner, GuestConfig* guest, GuestRefs* refs);

// Guest keys that the VM cannot honour: cloud-init keys without an image,
// an SSH port for a VM that is not on user-mode networking.
void CheckGuest(Diagnostics& diag, const Vm& vm, const GuestRefs& refs, const std::string& owner);

// A Linux login name cloud-init's useradd accepts: [a-z_][a-z0-9_-]*, at
// most 32 characters. "" if valid, else the rule.
std::string LoginNameProblem(const std::string& name);

// The guest keys that differ from their defaults, for `config` (guest_render.cc).
void RenderGuest(const GuestConfig& guest, ConfigValue* vm);

}  // namespace qc::compose
