// The guest watcher: a small detached `qemu-compose` process per running
// cloud-image VM (started by `up`, hidden subcommand `_watch`). It follows
// the guest from boot to ready (SSH with the project key works and
// cloud-init has finished) and then runs its healthcheck every interval,
// writing what it sees to guest.json. It exits when QEMU exits (stop, down,
// recreate), when there is nothing left to watch, or if another watcher
// already follows the same QEMU.
#pragma once

#include <sys/types.h>

#include <string>

#include "compose/guest_model.h"
#include "tools/tools.h"

namespace qc::readiness {

// Everything the watcher needs, written by `up` to <vm_dir>/watch.json so
// the watcher never reads the compose file (which may change meanwhile).
struct WatchSpec {
  std::string vm;
  std::string vm_dir;
  pid_t qemu_pid = 0;
  tools::SshTarget ssh;  // host, port, login user, project key, known_hosts
  compose::Healthcheck healthcheck;
};

std::string WatchSpecPath(const std::string& vm_dir);
bool SaveWatchSpec(const WatchSpec& spec, std::string* error);
bool LoadWatchSpec(const std::string& path, WatchSpec* spec, std::string* error);

// Starts a detached watcher for the spec (after saving it). The caller's
// own binary runs it: argv0 = /proc/self/exe.
bool StartWatcher(const WatchSpec& spec, std::string* error);

// The `_watch` subcommand's body. Returns the exit code.
int RunWatcher(const std::string& spec_path);

// The remote command for a healthcheck test: CMD words each quoted (no
// shell expansion, as docker), CMD-SHELL through /bin/sh -c.
std::string HealthCommand(const compose::Healthcheck& h);

}  // namespace qc::readiness
