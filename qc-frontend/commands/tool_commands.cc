// console, logs and ssh: resolve the VM's paths/address, then hand over to
// qc-frontend/tools.
#include <filesystem>

#include "cli/exit_codes.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/guest_access.h"
#include "commands/vm_status.h"
#include "tools/exec_command.h"
#include "tools/tools.h"

namespace qc::commands {
namespace {

bool KnownVm(const Context& ctx, const std::string& vm) {
  if (ctx.project.vms.count(vm) != 0) {
    return true;
  }
  ctx.out.Error("no VM named '" + vm + "' in " + ctx.project.compose_file);
  return false;
}

}  // namespace

int RunConsoleCmd(const GlobalOptions& g, const std::string& vm) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  if (!KnownVm(ctx, vm)) {
    return cli::kExitUsage;
  }
  return tools::RunConsole(ctx.layout.ConsoleSocket(vm));
}

int RunLogsCmd(const GlobalOptions& g, const std::string& vm, bool follow, int lines) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  if (!KnownVm(ctx, vm)) {
    return cli::kExitUsage;
  }
  return tools::RunLogs(ctx.layout.SerialLog(vm), follow, lines);
}

namespace {

// The running VM's SSH target, or an error already reported (exit code in *rc).
bool ResolveTarget(const Context& ctx, const std::string& vm, const std::string& user,
                   tools::SshTarget* t, int* rc) {
  if (!KnownVm(ctx, vm)) {
    *rc = cli::kExitUsage;
    return false;
  }
  state::NetworksFile nf;
  std::string err;
  state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err);
  VmStatus s = ProbeVm(ctx, vm, nf);
  if (!s.has_state) {
    ctx.out.Error("vm '" + vm + "' is not created; run `qemu-compose up " + vm + "`");
    *rc = cli::kExitError;
    return false;
  }
  if (s.status == "stopped") {
    ctx.out.Error("vm '" + vm + "' is stopped; run `qemu-compose up " + vm + "`");
    *rc = cli::kExitError;
    return false;
  }
  if (!SshTargetFor(ctx, vm, s, user, t, &err)) {
    ctx.out.Error(err);
    *rc = cli::kExitError;
    return false;
  }
  return true;
}

}  // namespace

int RunSshCmd(const GlobalOptions& g, const std::string& vm, const std::string& user,
              const std::vector<std::string>& command) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  tools::SshTarget t;
  int rc = cli::kExitOk;
  if (!ResolveTarget(ctx, vm, user, &t, &rc)) {
    return rc;
  }
  return tools::RunSsh(t, command);
}

int RunExecCmd(const GlobalOptions& g, const ExecOptions& o) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  std::string err;
  std::string line = tools::BuildExecCommand(o.command, o.env, o.workdir, &err);
  if (line.empty()) {
    ctx.out.Error(err);
    return cli::kExitUsage;
  }
  tools::SshTarget t;
  int rc = cli::kExitOk;
  if (!ResolveTarget(ctx, o.vm, o.user, &t, &rc)) {
    return rc;
  }
  // No terminal unless asked, as docker compose exec -T; -q: no banner.
  t.options = {o.tty ? "-t" : "-T", "-q"};
  return tools::RunSsh(t, {line});
}

}  // namespace qc::commands
