// qemu-compose: CLI11 wiring only; the work is in commands/ and tools/.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/exit_codes.h"
#include "commands/commands.h"
#include "commands/introspection.h"
#include "paths/exe_paths.h"
#include "readiness/watcher.h"
#include "tools/tools.h"

namespace {

using qc::commands::GlobalOptions;

void AddFormat(CLI::App* cmd, GlobalOptions* g) {
  cmd->add_option("--format", g->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

// The words after the VM name of ssh/exec; a leading "--" only separates.
std::vector<std::string> CommandWords(std::vector<std::string> words) {
  if (!words.empty() && words.front() == "--") {
    words.erase(words.begin());
  }
  return words;
}

}  // namespace

int RealMain(int argc, char** argv) {
  GlobalOptions g;
  const char* dbg = std::getenv("QEMU_COMPOSE_DEBUG");
  g.debug = dbg != nullptr && *dbg != '\0' && std::string(dbg) != "0";

  CLI::App app{
      "qemu-compose: docker-compose for QEMU VMs. Bridge networking with DHCP, DNS and "
      "NAT works without sudo, through the small privileged helper qc-netd-helper.",
      "qemu-compose"};
  app.footer(qc::cli::kExitCodesHelp);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("-f,--file", g.file,
                 "Compose file (default: $QEMU_COMPOSE_FILE, then qemu-compose.yaml here)");
  app.add_option("-p,--project-name", g.project_name,
                 "Project name (default: $QEMU_COMPOSE_PROJECT_NAME, the file's `name:`, "
                 "or the directory name)");
  app.add_flag("--debug", g.debug, "Print debugging detail (also QEMU_COMPOSE_DEBUG=1)");
  // `completion` and the hidden helpers the build and the completion scripts
  // use: they read every command defined below off `app` at run time.
  qc::commands::Introspection introspection(&app);

  auto* version = app.add_subcommand("version", "Print the version");

  qc::commands::UpOptions up_o;
  auto* up = app.add_subcommand(
      "up",
      "Create and start VMs and their networks. Idempotent: running VMs whose "
      "configuration did not change are left alone; changed ones are recreated; dead ones "
      "restarted.");
  up->add_option("vms", up_o.vms, "VMs to start (default: all; dependencies are added)");
  up->add_flag("--wait", up_o.wait,
               "Wait until every VM has its DHCP lease (bridge) or its SSH port answers "
               "(user-mode)");
  up->add_option("--timeout", up_o.timeout_s, "Seconds --wait waits")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  up->add_option("--pull", up_o.pull,
                 "Pull images first: missing (only what is not cached), always (check for a "
                 "newer version unless image_digest pins it), never (only the cache)")
      ->check(CLI::IsMember({"missing", "always", "never"}))
      ->capture_default_str();
  up->add_flag("--dry-run", up_o.dry_run,
               "Print what up would create, recreate, restart or leave alone, and change "
               "nothing");

  qc::commands::StopOptions stop_o;
  auto* stop = app.add_subcommand(
      "stop",
      "Stop VMs: ACPI power button, then after the grace period QMP quit, then SIGKILL. "
      "Networks stay up.");
  stop->add_option("vms", stop_o.vms, "VMs to stop (default: all)");
  stop->add_flag("--force", stop_o.force, "Skip the power button: quit at once");
  stop->add_option("-t,--timeout", stop_o.grace_s,
                   "Grace period in seconds (default: each VM's stop_grace_period)")
      ->check(CLI::NonNegativeNumber);

  qc::commands::StopOptions destroy_o;
  auto* destroy = app.add_subcommand(
      "destroy",
      "Stop VMs and delete their instance state (.qemu-compose/<vm>/, disk overlay "
      "included). Networks stay up.");
  destroy->add_option("vms", destroy_o.vms, "VMs to destroy (default: all)");
  destroy->add_flag("--force", destroy_o.force, "Skip the power button: quit at once");

  qc::commands::StopOptions down_o;
  auto* down = app.add_subcommand(
      "down",
      "Destroy all VMs and remove the project's networks: bridges, NAT rules, dnsmasq, "
      "reservations. Named volumes are kept unless --volumes.");
  down->add_flag("--force", down_o.force, "Skip the power button: quit VMs at once");
  down->add_option("-t,--timeout", down_o.grace_s, "Grace period in seconds for each VM")
      ->check(CLI::NonNegativeNumber);
  down->add_flag("-v,--volumes", down_o.volumes,
                 "Also delete the named volumes' disks (their data is lost)");

  auto* ps = app.add_subcommand(
      "ps",
      "List VMs: status (not-created, stopped, starting, running, ready), address, CPU, "
      "memory, disk, pid.");
  AddFormat(ps, &g);

  std::string inspect_vm;
  auto* inspect = app.add_subcommand(
      "inspect",
      "Show one VM in detail: configuration, disks, networks (bridge, TAP, subnet, "
      "MAC, IP, DHCP), console and log paths.");
  inspect->add_option("vm", inspect_vm, "VM name")->required();
  AddFormat(inspect, &g);

  auto* network = app.add_subcommand("network", "Manage the project's bridge networks");
  network->require_subcommand(1);
  auto* net_ls = network->add_subcommand("ls", "List networks: bridge, subnet, gateway, dnsmasq");
  AddFormat(net_ls, &g);
  std::vector<std::string> net_names;
  auto* net_down = network->add_subcommand(
      "down", "Remove networks (bridge, NAT, dnsmasq); refused while a running VM uses them");
  net_down->alias("rm");
  net_down->add_option("networks", net_names, "Network names")->required();

  qc::commands::PullOptions pull_o;
  auto* pull = app.add_subcommand(
      "pull",
      "Download the VMs' images into the per-user cache ($XDG_CACHE_HOME/qemu-compose/images), "
      "verified against image_digest; a cached image without a digest is revalidated "
      "(ETag/Last-Modified)");
  pull->add_option("vms", pull_o.vms, "VMs whose images to pull (default: all)");
  pull->add_flag("--force", pull_o.force, "Download again even if cached");
  pull->add_flag("-q,--quiet", pull_o.quiet, "No progress output");

  auto* images = app.add_subcommand(
      "images", "List the project's VMs with their image URL, digest, size and cache path");
  AddFormat(images, &g);

  auto* image = app.add_subcommand("image", "Manage the per-user image cache (every project's)");
  image->require_subcommand(1);
  auto* image_ls = image->add_subcommand("ls", "List cached images: URL, digest, size, users");
  AddFormat(image_ls, &g);
  std::vector<std::string> image_rm_targets;
  bool image_rm_force = false;
  auto* image_rm = image->add_subcommand(
      "rm", "Remove cached images by URL or digest; refused while a VM disk uses one");
  image_rm
      ->add_option("images", image_rm_targets,
                   "Image URLs or digests (sha256:<hex>, or 12+ hex digits)")
      ->required();
  image_rm->add_flag("--force", image_rm_force, "Remove even if a VM disk still uses it");
  auto* image_prune = image->add_subcommand(
      "prune", "Remove every cached image no VM disk uses, and interrupted downloads");

  auto* volume = app.add_subcommand("volume", "Manage the project's named volumes (disks)");
  volume->require_subcommand(1);
  auto* vol_ls =
      volume->add_subcommand("ls", "List named volumes: status, size, disk usage, VMs, path");
  AddFormat(vol_ls, &g);
  std::vector<std::string> vol_names;
  auto* vol_rm = volume->add_subcommand(
      "rm", "Delete named volumes' disks (their data); refused while a running VM uses them");
  vol_rm->add_option("volumes", vol_names, "Volume names")->required();

  auto* config = app.add_subcommand(
      "config",
      "Print the compose file as qemu-compose understood it (interpolated, defaults "
      "filled in)");
  AddFormat(config, &g);

  auto* doctor = app.add_subcommand(
      "doctor", "Check QEMU, KVM, the network helper and its capabilities, dnsmasq and policy");
  AddFormat(doctor, &g);

  std::string console_vm;
  auto* console =
      app.add_subcommand("console", "Attach to a VM's serial console (Ctrl-] detaches)");
  console->add_option("vm", console_vm, "VM name")->required();

  std::string logs_vm;
  bool logs_follow = false;
  int logs_lines = -1;
  auto* logs = app.add_subcommand("logs", "Print a VM's serial console log");
  logs->add_option("vm", logs_vm, "VM name")->required();
  logs->add_flag("-f,-F,--follow", logs_follow, "Keep printing new output (like tail -f)");
  logs->add_option("-n,--lines", logs_lines, "Only the last N lines (default: all)")
      ->check(CLI::NonNegativeNumber);

  std::string ssh_vm, ssh_user;
  auto* ssh = app.add_subcommand("ssh", "SSH into a VM (bridge IP, or 127.0.0.1:<port>)");
  ssh->add_option("vm", ssh_vm, "VM name")->required();
  ssh->add_option("-u,--user", ssh_user,
                  "Remote user (default: the VM's login user; root for kernel-booted VMs)");
  // The command is everything after the VM, dashes included ("ssh web ls
  // -la"): not a declared positional, which would make "-la" an unknown
  // option, but what prefix_command leaves in remaining().
  ssh->prefix_command();
  ssh->fallthrough(false);  // else the parent would take the command's words
  ssh->footer(
      "Usage: qemu-compose ssh [OPTIONS] VM [COMMAND [ARG...]]\n"
      "Everything after VM is the command to run instead of a login shell, its\n"
      "options included (ssh web ls -la); the exit code is the command's.\n"
      "Logs in as the VM's login user (`user:`, else your user name) with the\n"
      "project key .qemu-compose/ssh/id_ed25519; host keys are trusted on first\n"
      "use and kept in .qemu-compose/ssh/known_hosts, never in ~/.ssh.");

  qc::commands::ExecOptions exec_o;
  auto* exec =
      app.add_subcommand("exec", "Run a command in a VM over SSH (like docker compose exec)");
  exec->add_option("vm", exec_o.vm, "VM name")->required();
  exec->add_flag("-t,--tty", exec_o.tty, "Allocate a terminal (default: none)");
  exec->add_option("-e,--env", exec_o.env, "Set an environment variable (KEY=VAL, repeatable)")
      ->allow_extra_args(false);  // one value per -e: the VM name follows
  exec->add_option("-w,--workdir", exec_o.workdir, "Working directory in the guest");
  exec->add_option("-u,--user", exec_o.user, "Remote user (default: the VM's login user)");
  exec->prefix_command();
  exec->fallthrough(false);
  exec->footer(
      "Usage: qemu-compose exec [OPTIONS] VM COMMAND [ARG...]\n"
      "Runs COMMAND with its arguments as given (no shell re-parses them; use\n"
      "sh -c '...' for a shell), as the VM's login user over SSH with the\n"
      "project key, without a terminal unless -t; the exit code is COMMAND's.\n"
      "Example: qemu-compose exec -e MODE=test -w /srv web make check");

  // The guest watcher `up` starts per cloud-image VM (not for users).
  std::string watch_spec;
  auto* watch = app.add_subcommand("_watch", "");
  watch->group("");
  watch->add_option("spec", watch_spec)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a hint
    return qc::cli::kExitUsage;
  }

  using namespace qc::commands;
  if (introspection.Parsed()) {
    return introspection.Run(app, g);
  }
  if (*version) {
    std::cout << "qemu-compose " << QC_VERSION << "\n";
    return qc::cli::kExitOk;
  }
  if (*up) {
    return RunUp(g, up_o);
  }
  if (*stop) {
    return RunStop(g, stop_o);
  }
  if (*destroy) {
    return RunDestroy(g, destroy_o);
  }
  if (*down) {
    return RunDown(g, down_o);
  }
  if (*ps) {
    return RunPs(g);
  }
  if (*inspect) {
    return RunInspect(g, inspect_vm);
  }
  if (*net_ls) {
    return RunNetworkLs(g);
  }
  if (*net_down) {
    return RunNetworkDown(g, net_names);
  }
  if (*vol_ls) {
    return RunVolumeLs(g);
  }
  if (*vol_rm) {
    return RunVolumeRm(g, vol_names);
  }
  if (*config) {
    return RunConfig(g);
  }
  if (*pull) {
    return RunPull(g, pull_o);
  }
  if (*images) {
    return RunImages(g);
  }
  if (*image_ls) {
    return RunImageLs(g);
  }
  if (*image_rm) {
    return RunImageRm(g, image_rm_targets, image_rm_force);
  }
  if (*image_prune) {
    return RunImagePrune(g);
  }
  if (*doctor) {
    qc::tools::DoctorOptions d;
    d.helper_path = qc::paths::HelperPath();
    d.runner_path = qc::paths::RunnerPath();
    d.json = g.format == "json";
    d.color = !d.json && isatty(1) == 1 && std::getenv("NO_COLOR") == nullptr;
    return qc::tools::RunDoctor(d);
  }
  if (*console) {
    return RunConsoleCmd(g, console_vm);
  }
  if (*logs) {
    return RunLogsCmd(g, logs_vm, logs_follow, logs_lines);
  }
  if (*ssh) {
    return RunSshCmd(g, ssh_vm, ssh_user, CommandWords(ssh->remaining()));
  }
  if (*exec) {
    exec_o.command = CommandWords(exec->remaining());
    if (exec_o.command.empty()) {
      std::cerr << "exec: a command is required after the VM name\n";
      return qc::cli::kExitUsage;
    }
    return RunExecCmd(g, exec_o);
  }
  if (*watch) {
    return qc::readiness::RunWatcher(watch_spec);
  }
  return qc::cli::kExitUsage;
}

// Last resort: an unexpected exception is reported, never a crash.
int main(int argc, char** argv) {
  try {
    return RealMain(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "error: internal error\n";
  }
  return qc::cli::kExitError;
}
