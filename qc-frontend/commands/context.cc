#include "commands/context.h"

#include <unistd.h>

#include <cstdio>

#include <algorithm>
#include <filesystem>

#include "cli/exit_codes.h"
#include "compose/loader.h"

extern char** environ;

namespace qc::commands {

bool LoadContext(const GlobalOptions& opts, Context* ctx) {
  ctx->opts = opts;
  ctx->out = cli::Output(opts.format == "json", opts.debug);
  compose::LoadOptions lo;
  lo.file = opts.file;
  lo.project_name = opts.project_name;
  std::error_code ec;
  lo.cwd = std::filesystem::current_path(ec).string();
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) {
      lo.env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  std::string error;
  if (!compose::LoadProject(lo, &ctx->project, &error)) {
    (void)std::fprintf(stderr, "%s\n", error.c_str());
    return false;
  }
  ctx->layout = state::Layout::ForProject(ctx->project.project_dir);
  ctx->owner = naming::Owner{getuid(), ctx->project.project_dir};
  return true;
}

std::string BridgeOf(const Context& ctx, const std::string& network) {
  return naming::BridgeName(ctx.owner, network);
}

std::string TapOf(const Context& ctx, const std::string& vm, int nic_index) {
  return naming::TapName(ctx.owner, vm, nic_index);
}

std::string MacOf(const Context& ctx, const std::string& vm, int nic_index) {
  return naming::MacAddress(ctx.project.name, vm, nic_index);
}

std::string DomainOf(const Context& ctx) {
  return ctx.project.name + ".qc";
}

bool SelectVms(const Context& ctx, const std::vector<std::string>& names,
               std::vector<std::string>* out, std::string* error) {
  out->clear();
  for (const auto& n : names) {
    if (ctx.project.vms.count(n) == 0) {
      *error = "no VM named '" + n + "' in " + ctx.project.compose_file;
      return false;
    }
  }
  std::vector<std::string> order = ctx.project.start_order;
  if (order.empty()) {
    for (const auto& [name, vm] : ctx.project.vms) {
      order.push_back(name);
    }
  }
  for (const auto& n : order) {
    if (names.empty() || std::find(names.begin(), names.end(), n) != names.end()) {
      out->push_back(n);
    }
  }
  return true;
}

namespace {

void SayWaitingForLock() {
  (void)std::fprintf(stderr, "waiting for another qemu-compose command on this project...\n");
}

}  // namespace

int LoadAndLockProject(const GlobalOptions& opts, Context* ctx, state::ProjectLock* lock) {
  if (!LoadContext(opts, ctx)) {
    return cli::kExitBadCompose;
  }
  std::string err;
  if (!std::filesystem::exists(ctx->layout.root)) {
    return cli::kExitOk;  // nothing to act on
  }
  if (lock->Acquire(ctx->layout.Lock(), SayWaitingForLock, &err)) {
    return cli::kExitOk;
  }
  ctx->out.Error(err);
  return cli::kExitError;
}

}  // namespace qc::commands
