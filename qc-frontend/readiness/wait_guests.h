// `up --wait` for cloud-image VMs: follows guest.json (written by each VM's
// watcher) and prints one line per VM per step (booted, SSH up, cloud-init
// done, healthy) with the time since `up` started, until every VM is ready
// (and healthy where it has a healthcheck), or one fails, or the timeout.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cli/output.h"

namespace qc::readiness {

struct GuestWait {
  std::string vm;
  std::string vm_dir;
  std::string serial_log;  // named in failures
  pid_t qemu_pid = 0;
  bool healthcheck = false;
};

// Exit code: 0 when all are ready/healthy, cli::kExitTimeout on timeout,
// cli::kExitError if a VM turned unhealthy or its QEMU exited.
int WaitForGuests(const cli::Output& out, const std::vector<GuestWait>& vms,
                  std::int64_t up_started_ms, int timeout_s);

}  // namespace qc::readiness
