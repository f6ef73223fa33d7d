// console, logs and ssh: resolve the VM's paths/address, then hand over to
// qc-frontend/tools.
#include <filesystem>

#include "cli/exit_codes.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/vm_status.h"
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

int RunSshCmd(const GlobalOptions& g, const std::string& vm, const std::string& user,
              const std::vector<std::string>& command) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  if (!KnownVm(ctx, vm)) {
    return cli::kExitUsage;
  }
  state::NetworksFile nf;
  std::string err;
  state::LoadNetworks(ctx.layout.NetworksJson(), &nf, &err);
  VmStatus s = ProbeVm(ctx, vm, nf);
  if (!s.has_state) {
    ctx.out.Error("vm '" + vm + "' is not created; run `qemu-compose up " + vm + "`");
    return cli::kExitError;
  }
  tools::SshTarget t;
  if (!s.ip.empty()) {
    t.host = s.ip;
  } else {
    t.host = "127.0.0.1";
    t.port = s.st.port;
  }
  t.user = user;
  if (std::filesystem::exists(ctx.layout.SshKey())) {
    t.key_path = ctx.layout.SshKey();
  }
  t.known_hosts_path = ctx.layout.root + "/ssh/known_hosts";
  return tools::RunSsh(t, command);
}

}  // namespace qc::commands
