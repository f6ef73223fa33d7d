#include "commands/vm_seed.h"

#include <pwd.h>
#include <unistd.h>

#include "commands/guest_access.h"
#include "compose/guest_parser.h"
#include "seed/seed_iso.h"
#include "state/atomic_file.h"
#include "volumes/attach.h"
#include "volumes/guest_mounts.h"

namespace qc::commands {
namespace {

std::string InvokingUserName() {
  if (const struct passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  const char* user = std::getenv("USER");
  return user != nullptr ? user : "";
}

// EXTENSION POINT: features that configure the guest through cloud-init
// (volumes: formatting and mounting disks, ...) add their cloud-config
// here; seed/cloud_config.h says how. The seed's instance-id follows the
// whole content, so a change here is applied again at the next boot.
bool AddFeatureCloudConfig(const Context& ctx, const std::string& vm, seed::CloudConfig* cc,
                           std::string* error) {
  // Volumes with a target: cloud-init's `mounts` makes the mount points,
  // writes /etc/fstab and mounts them (the same 9p-or-virtiofs choice as
  // AttachVolumes makes for the VM's shared directories).
  const bool ninep = !volumes::VirtiofsUnavailableReason().empty();
  for (const volumes::MountEntry& entry : volumes::GuestMounts(ctx.project.vms.at(vm), ninep)) {
    if (!cc->Append("mounts", nlohmann::ordered_json(entry), error)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool LoginUser(const Context& ctx, const std::string& vm, std::string* user, std::string* error) {
  const std::string& configured = ctx.project.vms.at(vm).guest.user;
  *user = configured.empty() ? InvokingUserName() : configured;
  std::string problem = compose::LoginNameProblem(*user);
  if (!problem.empty()) {
    *error = "vm '" + vm + "': your user name '" + *user + "' cannot be the guest's login (" +
             problem + "); set `user:` for this vm";
    return false;
  }
  return true;
}

bool SeedInputFor(const Context& ctx, const std::string& vm, const std::vector<std::string>& macs,
                  seed::SeedInput* in, std::string* error) {
  const compose::GuestConfig& g = ctx.project.vms.at(vm).guest;
  in->vm = vm;
  in->project = ctx.project.name;
  if (!LoginUser(ctx, vm, &in->login_user, error)) {
    return false;
  }
  const std::string pub = ctx.layout.SshKey() + ".pub";
  std::string key;
  if (!state::ReadWholeFile(pub, &key, error)) {
    *error = "vm '" + vm + "': no project SSH key (" + *error +
             "); `up` makes it with ssh-keygen: is openssh-client installed?";
    return false;
  }
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
    key.pop_back();
  }
  in->public_key = key;
  in->macs = macs;
  in->provision = g.provision;
  in->environment = g.environment;
  in->user_data = g.user_data;
  return AddFeatureCloudConfig(ctx, vm, &in->cloud_config, error);
}

bool PrepareSeed(const Context& ctx, const std::string& vm, const state::VmState& st,
                 qc::vm::VmSpec* spec, std::string* error) {
  std::vector<std::string> macs;
  for (const auto& nic : spec->nics()) {
    macs.push_back(nic.mac());
  }
  seed::SeedInput in;
  seed::SeedFiles files;
  bool changed = false;
  const std::string dir = ctx.layout.VmDir(vm);
  if (!SeedInputFor(ctx, vm, macs, &in, error)) {
    return false;
  }
  if (!seed::BuildSeedFiles(in, &files, error) ||
      !seed::WriteSeedIso(files, dir, &changed, error)) {
    *error = "vm '" + vm + "': cloud-init seed: " + *error;
    return false;
  }
  if (changed) {
    std::vector<std::string> hosts;
    for (const auto& nic : st.nics) {
      if (!nic.ip.empty()) {
        hosts.push_back(nic.ip);
      }
    }
    if (st.port > 0) {
      hosts.push_back("[127.0.0.1]:" + std::to_string(st.port));
    }
    ForgetHostKeys(ctx, hosts);
  }
  auto* d = spec->add_disks();
  d->set_path(seed::SeedIsoPath(dir));
  d->set_format("raw");
  d->set_readonly(true);
  return true;
}

}  // namespace qc::commands
