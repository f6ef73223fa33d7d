#include "compose/guest_parser.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "compose/vm_fields.h"
#include "naming/digest.h"
#include "seed/user_data_type.h"
#include "tools/shell_words.h"

namespace qc::compose {

void ParseHealthcheck(Reader& reader, const Entry& field, const std::string& owner,
                      Healthcheck* out);  // healthcheck_parser.cc

const std::vector<std::string> kGuestKeys = {"user", "cloud_init", "provision",  "environment",
                                             "ssh",  "firmware",   "healthcheck"};

namespace {

const std::vector<std::string> kCloudInitKeys = {"user_data", "user_data_digest"};
const std::vector<std::string> kProvisionKeys = {"type", "inline"};
const std::vector<std::string> kSshKeys = {"port"};

// cloud-init's NoCloud user-data is read whole into memory; no real
// user-data comes near this.
constexpr std::size_t kMaxUserData = std::size_t{1} << 20;

void AddEnv(Diagnostics& diag, SourcePos pos, const std::string& owner, const std::string& name,
            const std::string& value, GuestConfig* guest) {
  if (!tools::IsEnvName(name)) {
    diag.Error(pos, owner + ": environment: invalid variable name '" + name +
                        "' (letters, digits and '_', not starting with a digit)");
    return;
  }
  if (value.find('\n') != std::string::npos || value.find('\0') != std::string::npos) {
    diag.Error(pos, owner + ": environment: the value of " + name +
                        " must be one line (/etc/environment holds one variable per line)");
    return;
  }
  for (auto& [k, v] : guest->environment) {
    if (k == name) {
      diag.Error(pos, owner + ": environment: " + name + " is set twice");
      return;
    }
  }
  guest->environment.emplace_back(name, value);
}

void ParseEnvironment(Reader& reader, const Entry& field, const std::string& owner,
                      GuestConfig* guest) {
  Diagnostics& diag = reader.diag();
  if (field.value.IsMap()) {
    for (const Entry& e : reader.Map(field.value, field.value_pos, owner, "environment", nullptr)) {
      if (e.value.IsNull()) {
        diag.Error(e.key_pos, owner + ": environment: " + e.key + " has no value (write " + e.key +
                                  ": \"\" for an empty one)");
        continue;
      }
      if (std::optional<std::string> value = reader.String(e, owner + ": environment")) {
        AddEnv(diag, e.value_pos, owner, e.key, *value, guest);
      }
    }
    return;
  }
  if (!field.value.IsSequence() && !field.value.IsNull()) {
    reader.TypeError(field, owner, "a mapping or a list of KEY=VALUE strings");
    return;
  }
  if (std::optional<std::vector<Item>> items = reader.StringList(field, owner)) {
    for (const Item& item : *items) {
      std::size_t eq = item.text.find('=');
      if (eq == std::string::npos) {
        diag.Error(item.pos, owner + ": environment: '" + item.text + "' must be KEY=VALUE");
        continue;
      }
      AddEnv(diag, item.pos, owner, item.text.substr(0, eq), item.text.substr(eq + 1), guest);
    }
  }
}

void ParseProvision(Reader& reader, const Entry& field, const std::string& owner,
                    GuestConfig* guest) {
  Diagnostics& diag = reader.diag();
  if (field.value.IsNull()) {
    return;
  }
  if (!field.value.IsSequence()) {
    reader.TypeError(field, owner, "a list of {type: shell, inline: ...} steps");
    return;
  }
  for (const YAML::Node& step : field.value) {
    const SourcePos pos = PosOf(step);
    const std::string step_owner = owner + ": provision step";
    if (!step.IsMap()) {
      diag.Error(
          pos, step_owner + " must be a mapping {type: shell, inline: ...}, got " + Describe(step));
      continue;
    }
    std::optional<std::string> type;
    std::optional<std::string> script;
    for (const Entry& e : reader.Map(step, pos, step_owner, "provision", &kProvisionKeys)) {
      if (e.key == "type") {
        type = reader.String(e, step_owner);
        if (type && *type != "shell") {
          diag.Error(e.value_pos,
                     Where(step_owner, "type") + " must be 'shell', got '" + *type + "'");
        }
      } else if (e.key == "inline") {
        script = reader.String(e, step_owner);
      }
    }
    if (!type) {
      diag.Error(pos, step_owner + " needs 'type: shell'");
    }
    if (!script) {
      diag.Error(pos, step_owner + " needs 'inline' (the shell script to run)");
      continue;
    }
    guest->provision.push_back(*script);
  }
}

// Reads the user-data file; false after reporting why it cannot be used.
bool ReadUserData(Diagnostics& diag, const Entry& e, const std::string& owner,
                  const std::string& path, std::string* data) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (!in || !(content << in.rdbuf()) || in.bad()) {
    diag.Error(e.value_pos, owner + ": cloud_init: user_data: cannot read '" + path + "'");
    return false;
  }
  *data = content.str();
  if (data->size() > kMaxUserData) {
    diag.Error(e.value_pos, owner + ": cloud_init: user_data: '" + path + "' is larger than 1 MiB");
    return false;
  }
  if (seed::UserDataMimeType(*data).empty()) {
    diag.Error(e.value_pos, owner + ": cloud_init: user_data: '" + path + "' must start with " +
                                std::string(seed::kUserDataStarts) +
                                " (cloud-init ignores anything else)");
    return false;
  }
  return true;
}

bool IsSha256Digest(const std::string& d) {
  if (d.size() != 7 + 64 || !d.starts_with("sha256:")) {
    return false;
  }
  return d.find_first_not_of("0123456789abcdef", 7) == std::string::npos;
}

// `user_data: FILE` and, optionally, `user_data_digest: sha256:HEX` pinning
// its content. `config` prints the digest of what it read, so the content is
// part of the VM's configuration: a changed file recreates the VM.
void ParseCloudInit(Reader& reader, const Entry& field, const std::string& owner,
                    const PathContext& paths, GuestConfig* guest) {
  Diagnostics& diag = reader.diag();
  std::optional<std::string> file;
  Entry file_entry;
  std::optional<std::string> pinned;
  Entry pin_entry;
  for (const Entry& e :
       reader.Map(field.value, field.value_pos, owner, "cloud_init", &kCloudInitKeys)) {
    std::optional<std::string> text = reader.String(e, owner + ": cloud_init");
    if (!text) {
      continue;
    }
    if (e.key == "user_data_digest") {
      if (!IsSha256Digest(*text)) {
        diag.Error(e.value_pos, owner +
                                    ": cloud_init: user_data_digest must be sha256: and 64 "
                                    "lower-case hex digits, got '" +
                                    *text + "'");
        continue;
      }
      pinned = *text;
      pin_entry = e;
    } else {
      file = *text;
      file_entry = e;
    }
  }
  if (!file) {
    if (pinned) {
      diag.Error(pin_entry.key_pos, owner + ": cloud_init: user_data_digest needs user_data");
    }
    return;
  }
  std::string path = ResolvePath(paths, *file);
  std::string data;
  if (!ReadUserData(diag, file_entry, owner, path, &data)) {
    return;
  }
  std::string digest = "sha256:" + naming::Sha256Hex(data);
  if (pinned && *pinned != digest) {
    diag.Error(pin_entry.value_pos, owner + ": cloud_init: '" + path + "' has digest " + digest +
                                        ", not the user_data_digest " + *pinned);
    return;
  }
  guest->user_data_file = path;
  guest->user_data = std::move(data);
  guest->user_data_digest = digest;
}

void ParseSsh(Reader& reader, const Entry& field, const std::string& owner, GuestConfig* guest) {
  for (const Entry& e : reader.Map(field.value, field.value_pos, owner, "ssh", &kSshKeys)) {
    std::optional<std::string> text = reader.String(e, owner + ": ssh");
    if (!text) {
      continue;
    }
    std::optional<unsigned> port = ParseDecimal(*text, 65535);
    if (!port || *port == 0) {
      reader.diag().Error(e.value_pos,
                          owner + ": ssh: port must be from 1 to 65535, got '" + *text + "'");
      continue;
    }
    guest->ssh_port = static_cast<std::uint16_t>(*port);
  }
}

}  // namespace

std::string LoginNameProblem(const std::string& name) {
  bool ok =
      !name.empty() && name.size() <= 32 && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  return ok ? ""
            : "a login name is 1 to 32 of a-z, 0-9, '_' and '-', starting with a letter or '_'";
}

bool ParseGuestKey(Reader& reader, const Entry& field, const PathContext& paths,
                   const std::string& owner, GuestConfig* guest, GuestRefs* refs) {
  const std::string& key = field.key;
  if (key != "ssh" && key != "firmware" && refs->seed_key.line == 0 &&
      std::find(kGuestKeys.begin(), kGuestKeys.end(), key) != kGuestKeys.end()) {
    refs->seed_key = field.key_pos;
    refs->seed_key_name = key;
  }
  if (key == "user") {
    if (std::optional<std::string> name = reader.String(field, owner)) {
      std::string problem = LoginNameProblem(*name);
      if (!problem.empty()) {
        reader.diag().Error(field.value_pos,
                            Where(owner, key) + ": invalid login name '" + *name + "': " + problem);
      } else {
        guest->user = *name;
      }
    }
  } else if (key == "cloud_init") {
    ParseCloudInit(reader, field, owner, paths, guest);
  } else if (key == "provision") {
    ParseProvision(reader, field, owner, guest);
  } else if (key == "environment") {
    ParseEnvironment(reader, field, owner, guest);
  } else if (key == "ssh") {
    refs->ssh_key = field.key_pos;
    ParseSsh(reader, field, owner, guest);
  } else if (key == "firmware") {
    if (std::optional<std::string> fw = reader.String(field, owner)) {
      if (*fw != "bios" && *fw != "uefi") {
        reader.diag().Error(field.value_pos,
                            Where(owner, key) + " must be 'bios' or 'uefi', got '" + *fw + "'");
      } else {
        guest->firmware = *fw;
      }
    }
  } else if (key == "healthcheck") {
    ParseHealthcheck(reader, field, owner, &guest->healthcheck);
  } else {
    return false;
  }
  return true;
}

void CheckGuest(Diagnostics& diag, const Vm& vm, const GuestRefs& refs, const std::string& owner) {
  if (vm.image.empty() && refs.seed_key.line != 0) {
    diag.Error(refs.seed_key, owner + ": '" + refs.seed_key_name +
                                  "' needs a cloud image ('image'): it works through cloud-init "
                                  "and SSH, which a kernel-booted VM does not have");
  }
  if (vm.guest.ssh_port != 0 && !vm.networks.empty()) {
    diag.Error(refs.ssh_key, owner +
                                 ": 'ssh.port' is the user-mode SSH forward; this vm is on "
                                 "bridge networks, reached at its own address on port 22");
  }
}

}  // namespace qc::compose
