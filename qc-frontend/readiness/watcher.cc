// RunWatcher: boot -> SSH -> cloud-init done -> healthchecks, into guest.json.
#include "readiness/watcher.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "readiness/guest_state.h"
#include "readiness/health.h"
#include "readiness/ssh_probe.h"

namespace qc::readiness {
namespace {

// cloud-init writes this file last, after every module of the final stage.
constexpr const char* kBootFinished = "test -e /var/lib/cloud/instance/boot-finished";
// ... and just before it, this line on the console (final_message).
constexpr const char* kFinishedLine = " finished at ";
constexpr int kTickMs = 200;
// An SSH login on an emulated CPU can take many seconds.
constexpr int kLoginTimeoutMs = 60000;
// While cloud-init runs: ask again when its final line appears, or after this.
constexpr int kRecheckMs = 10000;

// Sleeps ms, waking every tick to see whether QEMU is still there.
bool SleepWhileAlive(pid_t qemu, int ms) {
  for (int slept = 0; slept < ms; slept += kTickMs) {
    if (!ProcessAlive(qemu)) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(kTickMs, ms - slept)));
  }
  return ProcessAlive(qemu);
}

off_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

// Scans the serial log from *offset on for `text` (kept across calls).
class SerialLog {
 public:
  SerialLog(std::string path, off_t start) : path_(std::move(path)), offset_(start) {}
  bool GrewSinceStart() const { return FileSize(path_) > start_; }
  bool Saw(const std::string& text) {
    std::ifstream in(path_, std::ios::binary);
    in.seekg(offset_);
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    offset_ += static_cast<off_t>(chunk.size());
    tail_ += chunk;
    bool found = tail_.find(text) != std::string::npos;
    // Keep enough to find a line split across two reads.
    if (tail_.size() > 256) {
      tail_.erase(0, tail_.size() - 256);
    }
    return found;
  }

 private:
  std::string path_;
  off_t offset_;
  off_t start_ = offset_;
  std::string tail_;
};

class Watcher {
 public:
  explicit Watcher(WatchSpec spec)
      : spec_(std::move(spec)),
        state_path_(GuestStatePath(spec_.vm_dir)),
        serial_(spec_.vm_dir + "/serial.log", FileSize(spec_.vm_dir + "/serial.log")) {}

  int Run() {
    GuestState previous;
    if (LoadGuestState(state_path_, &previous) && previous.qemu_pid == spec_.qemu_pid) {
      st_ = previous;  // a watcher for this QEMU ran before: keep what it saw
    } else {
      st_.qemu_pid = spec_.qemu_pid;
      st_.started_ms = NowWallMs();
    }
    Save();
    if (st_.ready_ms == 0 && !WaitReady()) {
      return 0;
    }
    if (!spec_.healthcheck.enabled()) {
      return 0;
    }
    return RunHealthchecks();
  }

 private:
  void Save() {
    std::string error;
    (void)SaveGuestState(state_path_, st_, &error);
  }

  bool WaitReady() {
    const pid_t qemu = spec_.qemu_pid;
    while (ProcessAlive(qemu)) {
      if (st_.booted_ms == 0 && serial_.GrewSinceStart()) {
        st_.booted_ms = NowWallMs();
        Save();
      }
      if (!SshBannerSeen(spec_.ssh.host, spec_.ssh.port, 2000)) {
        SleepWhileAlive(qemu, 1000);
        continue;
      }
      ProbeResult r = RunSshProbe(spec_.ssh, kBootFinished, kLoginTimeoutMs, qemu);
      if (r.vm_gone) {
        return false;
      }
      if (r.exit_code < 0 || r.exit_code == 255) {
        // sshd answers but the login user or key is not there yet
        // (cloud-init makes them); remembered in case it never works.
        st_.problem = r.timed_out ? "ssh login timed out" : r.output;
        SleepWhileAlive(qemu, 2000);
        continue;
      }
      const std::int64_t now = NowWallMs();
      if (st_.ssh_ms == 0) {
        st_.ssh_ms = now;
        st_.booted_ms = st_.booted_ms == 0 ? now : st_.booted_ms;
      }
      st_.problem.clear();
      if (r.exit_code == 0) {
        st_.ready_ms = now;
        st_.health = spec_.healthcheck.enabled() ? "starting" : "";
        Save();
        return true;
      }
      Save();
      // Not finished: wait for cloud-init's last console line (cheap),
      // at most kRecheckMs, instead of logging in again and again.
      for (int waited = 0; waited < kRecheckMs && !serial_.Saw(kFinishedLine); waited += kTickMs) {
        if (!SleepWhileAlive(qemu, kTickMs)) {
          return false;
        }
      }
    }
    return false;
  }

  int RunHealthchecks() {
    const compose::Healthcheck& h = spec_.healthcheck;
    HealthTracker tracker(h.retries, h.start_period_s, st_.started_ms);
    const std::string command = HealthCommand(h);
    for (;;) {
      ProbeResult r =
          RunSshProbe(spec_.ssh, command, static_cast<int>(h.timeout_s) * 1000, spec_.qemu_pid);
      if (r.vm_gone) {
        return 0;
      }
      const bool ok = !r.timed_out && r.exit_code == 0;
      const std::int64_t now = NowWallMs();
      if (tracker.Record(ok, now)) {
        st_.health = tracker.status();
        st_.health_ms = now;
      }
      st_.failing_streak = tracker.failing_streak();
      st_.health_output = r.timed_out ? "timed out after " + std::to_string(h.timeout_s) + "s"
                                      : r.output.substr(0, 1024);
      Save();
      if (!SleepWhileAlive(spec_.qemu_pid, static_cast<int>(h.interval_s) * 1000)) {
        return 0;
      }
    }
  }

  WatchSpec spec_;
  std::string state_path_;
  SerialLog serial_;
  GuestState st_;
};

// One watcher per VM directory. A watcher of a QEMU that is going away
// (stop, then start) lets go within a tick, so wait a little for it.
bool LockVm(const std::string& vm_dir) {
  int fd = open((vm_dir + "/watch.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return false;
  }
  for (int i = 0; i < 50; ++i) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      return true;  // held until we exit
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kTickMs));
  }
  close(fd);
  return false;
}

}  // namespace

int RunWatcher(const std::string& spec_path) {
  WatchSpec spec;
  std::string error;
  if (!LoadWatchSpec(spec_path, &spec, &error)) {
    return 2;
  }
  if (!ProcessAlive(spec.qemu_pid) || !LockVm(spec.vm_dir)) {
    return 0;
  }
  return Watcher(std::move(spec)).Run();
}

}  // namespace qc::readiness
