#include "readiness/wait_guests.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/exit_codes.h"
#include "readiness/guest_state.h"
#include "readiness/ssh_probe.h"

namespace qc::readiness {
namespace {

std::string Seconds(std::int64_t ms) {
  char buf[32];
  (void)std::snprintf(buf, sizeof(buf), "%.1fs", static_cast<double>(ms) / 1000.0);
  return buf;
}

// What a VM has printed so far, and whether it is done (or failed).
struct Progress {
  bool booted = false, ssh = false, ready = false, healthy = false;
  bool done = false;
  bool failed = false;
};

// Prints the steps `s` shows that `p` has not printed yet.
void Report(const cli::Output& out, const GuestWait& w, const GuestState& s, std::int64_t t0,
            Progress* p) {
  auto step = [&](bool* printed, std::int64_t at, const std::string& what) {
    if (!*printed && at != 0) {
      *printed = true;
      // A VM that was already up before this `up` says so instead of a
      // negative time.
      out.Ok("vm " + w.vm + ": " + what +
             (at >= t0 ? " after " + Seconds(at - t0) : " (before this up)"));
    }
  };
  step(&p->booted, s.booted_ms, "booted");
  step(&p->ssh, s.ssh_ms, "SSH up");
  step(&p->ready, s.ready_ms, "cloud-init done");
  if (!w.healthcheck) {
    p->done = p->ready;
    return;
  }
  if (s.health == "healthy") {
    step(&p->healthy, s.health_ms, "healthy");
    p->done = true;
  } else if (s.health == "unhealthy") {
    out.Fail("vm " + w.vm + ": unhealthy after " + Seconds(s.health_ms - t0) + " (" +
             std::to_string(s.failing_streak) + " failed checks" +
             (s.health_output.empty() ? "" : "; last: " + s.health_output) + ")");
    p->done = p->failed = true;
  }
}

std::string Waiting(const GuestWait& w, const GuestState& s) {
  std::string what = s.ssh_ms == 0     ? "SSH with the project key"
                     : s.ready_ms == 0 ? "cloud-init to finish"
                                       : "its healthcheck to pass";
  std::string why = s.ssh_ms == 0 && !s.problem.empty() ? " (ssh: " + s.problem + ")" : "";
  if (s.ready_ms != 0 && !s.health_output.empty()) {
    why = " (last check: " + s.health_output + ")";
  }
  return "waiting for " + what + why + "; see " + w.serial_log;
}

}  // namespace

int WaitForGuests(const cli::Output& out, const std::vector<GuestWait>& vms,
                  std::int64_t up_started_ms, int timeout_s) {
  const std::int64_t deadline = up_started_ms + std::int64_t{timeout_s} * 1000;
  std::vector<Progress> progress(vms.size());
  int rc = cli::kExitOk;
  for (;;) {
    bool all_done = true;
    for (std::size_t i = 0; i < vms.size(); ++i) {
      Progress& p = progress[i];
      if (p.done) {
        continue;
      }
      GuestState s;
      const bool have =
          LoadGuestState(GuestStatePath(vms[i].vm_dir), &s) && s.qemu_pid == vms[i].qemu_pid;
      if (have) {
        Report(out, vms[i], s, up_started_ms, &p);
      }
      if (!p.done && !ProcessAlive(vms[i].qemu_pid)) {
        out.Fail("vm " + vms[i].vm + ": QEMU exited while booting; see " + vms[i].serial_log);
        p.done = p.failed = true;
      }
      if (p.failed) {
        rc = cli::kExitError;
      }
      if (!p.done && NowWallMs() >= deadline) {
        out.Fail("vm " + vms[i].vm + ": not ready after " + std::to_string(timeout_s) + "s, " +
                 Waiting(vms[i], s));
        p.done = true;
        rc = rc == cli::kExitOk ? cli::kExitTimeout : rc;
      }
      all_done = all_done && p.done;
    }
    if (all_done) {
      return rc;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace qc::readiness
