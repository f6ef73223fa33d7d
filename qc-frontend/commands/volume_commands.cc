// `volume ls`, `volume rm` and the volume part of `down --volumes`.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/exit_codes.h"
#include "cli/table.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/str_cat.h"
#include "commands/vm_probe.h"
#include "state/project_lock.h"
#include "volumes/attach.h"
#include "volumes/volume_disk.h"

namespace qc::commands {
namespace {

using nlohmann::json;

// VMs of the compose file that list the volume, "vm" or "vm (ro)".
std::vector<std::string> UsersOf(const Context& ctx, const std::string& volume) {
  std::vector<std::string> users;
  for (const auto& [name, vm] : ctx.project.vms) {
    for (const compose::VolumeMount& m : vm.mounts) {
      if (m.named && m.source == volume) {
        users.push_back(m.read_only ? name + " (ro)" : name);
      }
    }
  }
  return users;
}

bool RemoveVolume(const Context& ctx, const std::string& volume) {
  std::error_code ec;
  std::filesystem::remove(volumes::VolumeDiskPath(ctx.layout, volume), ec);
  if (ec) {
    ctx.out.Fail("volume " + volume + ": " + ec.message());
    return false;
  }
  ctx.out.Ok("volume " + volume + " removed");
  return true;
}

}  // namespace

int RunVolumeLs(const GlobalOptions& g) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  std::set<std::string> names;
  for (const auto& [name, v] : ctx.project.volumes) {
    names.insert(name);
  }
  for (const std::string& name : volumes::ExistingVolumes(ctx.layout)) {
    names.insert(name);
  }
  json arr = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const std::string& name : names) {
    const std::string path = volumes::VolumeDiskPath(ctx.layout, name);
    const bool exists = std::filesystem::exists(path);
    const auto defined = ctx.project.volumes.find(name);
    const std::string status = defined == ctx.project.volumes.end() ? "orphaned"
                               : exists                             ? "created"
                                                                    : "not-created";
    const std::uint64_t size = exists ? volumes::QcowVirtualSize(path) : defined->second.size_bytes;
    const std::uint64_t used = FileUsage(path);
    std::string users;
    for (const std::string& u : UsersOf(ctx, name)) {
      users += (users.empty() ? "" : ", ") + u;
    }
    rows.push_back({name, status, HumanBytes(size), exists ? HumanBytes(used) : "-",
                    users.empty() ? "-" : users, exists ? path : "-"});
    arr.push_back({{"name", name},
                   {"status", status},
                   {"size_bytes", size},
                   {"disk_usage_bytes", used},
                   {"used_by", UsersOf(ctx, name)},
                   {"path", exists ? path : ""}});
  }
  if (ctx.out.json()) {
    ctx.out.Data(arr.dump(2) + "\n");
  } else {
    ctx.out.Data(cli::RenderTable({"NAME", "STATUS", "SIZE", "DISK", "USED BY", "PATH"}, rows));
  }
  return cli::kExitOk;
}

int RunVolumeRm(const GlobalOptions& g, const std::vector<std::string>& names) {
  Context ctx;
  state::ProjectLock lock;
  if (int rc = LoadAndLockProject(g, &ctx, &lock); rc != cli::kExitOk) {
    return rc;
  }
  int rc = cli::kExitOk;
  for (const std::string& name : names) {
    if (!std::filesystem::exists(volumes::VolumeDiskPath(ctx.layout, name))) {
      if (ctx.project.volumes.count(name) == 0) {
        ctx.out.Error("no volume named '" + name + "' in " + ctx.project.compose_file);
        rc = cli::kExitUsage;
      } else {
        ctx.out.Ok("volume " + name + ": not created");
      }
      continue;
    }
    if (std::string users = volumes::RunningUsers(ctx, name); !users.empty()) {
      ctx.out.Fail(
          Cat("volume ", name, ": attached to running VM(s) ", users, " (stop them first)"));
      rc = cli::kExitError;
      continue;
    }
    if (!RemoveVolume(ctx, name)) {
      rc = cli::kExitError;
    }
  }
  return rc;
}

bool RemoveAllVolumes(const Context& ctx) {
  bool ok = true;
  for (const std::string& name : volumes::ExistingVolumes(ctx.layout)) {
    ok = RemoveVolume(ctx, name) && ok;
  }
  std::error_code ec;
  std::filesystem::remove(volumes::VolumesDir(ctx.layout), ec);  // only if empty
  return ok;
}

}  // namespace qc::commands
