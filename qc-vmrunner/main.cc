// qc-vmrunner: turns one VmSpec into a running QEMU. Started detached by the
// frontend (qc::LaunchRunner) with the spec and TAP fds in one datagram on
// fd 3. Holds no privileges. Validates, then execs QEMU in place so its pid
// is QEMU's pid. Protocol back on fd 3: "pid: N" right before execve (fd 3
// is close-on-exec, so EOF follows exactly when execve succeeded), or one
// "error: ..." message and a non-zero exit.
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "accel.h"
#include "drop_caps.h"
#include "fd_hygiene.h"
#include "host_probe.h"
#include "qemu_argv.h"
#include "seqpacket.h"
#include "shared_dirs.h"
#include "spec_validate.h"
#include "tap_check.h"
#include "vmspec.pb.h"

namespace {

constexpr int kControlFd = 3;
constexpr int kSpecTimeoutMs = 10000;

std::string g_vm_name;  // for log lines, once known

void Log(const std::string& line) {
  std::string prefix = "qc-vmrunner";
  if (!g_vm_name.empty()) {
    prefix += "[" + g_vm_name + "]";
  }
  (void)std::fprintf(stderr, "%s: %s\n", prefix.c_str(), line.c_str());
  (void)std::fflush(stderr);
}

// Reports the error to the log and the frontend; returns the exit code.
int Fail(const std::string& msg, int code = 1) {
  Log("error: " + msg);
  std::string wire = "error: " + msg;
  if (wire.size() > qc::kMaxMessageBytes) {
    wire.resize(qc::kMaxMessageBytes);
  }
  (void)qc::SendMessage(kControlFd, wire.data(), wire.size());
  return code;
}

std::string QuoteArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) {
      out += ' ';
    }
    bool plain = !a.empty() && a.find_first_of(" \t\"'\\$") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

// qc-fsd lives beside this program (libexec, or the build tree's).
std::string QcFsdPath() {
  std::string self(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
  self.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return self.substr(0, self.rfind('/') + 1) + "qc-fsd";
}

int Run() {
  std::string caps_err;
  if (!qc::runner::DropAllCapabilities(&caps_err)) {
    (void)std::fprintf(stderr, "qc-vmrunner: %s\n", caps_err.c_str());
    return 1;
  }
  if (!qc::IsSeqpacketSocket(kControlFd)) {
    (void)std::fprintf(stderr,
                       "qc-vmrunner: fd 3 is not an AF_UNIX SOCK_SEQPACKET socket; this program is "
                       "started by qemu-compose, not by hand\n");
    return 2;
  }
  pollfd p{kControlFd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, kSpecTimeoutMs);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) {
    return Fail("no VM spec received on fd 3 within " + std::to_string(kSpecTimeoutMs / 1000) +
                " s");
  }
  qc::Received msg;
  int rc = qc::ReceiveMessage(kControlFd, &msg);
  if (rc != 0) {
    return Fail("reading the VM spec: " + std::string(std::strerror(-rc)));
  }
  if (msg.eof) {
    return Fail("the frontend closed fd 3 without sending a VM spec");
  }
  if (msg.truncated) {
    return Fail("the VM spec message is larger than " + std::to_string(qc::kMaxMessageBytes) +
                " bytes or carries too many fds");
  }
  qc::vm::VmSpec spec;
  if (!spec.ParseFromArray(msg.bytes.data(), static_cast<int>(msg.bytes.size()))) {
    return Fail("the VM spec is not a valid qc.vm.VmSpec message");
  }
  if (!spec.name().empty() && spec.name().size() <= 63) {
    g_vm_name = spec.name();
  }
  std::string err;
  if (!qc::runner::ValidateSpecFields(spec, msg.fds.size(), &err) ||
      !qc::runner::CheckHostPaths(spec, &err) || !qc::runner::CheckTapFds(spec, msg.fds, &err)) {
    return Fail("invalid VM spec: " + err);
  }

  qc::runner::QemuHostFacts facts;
  facts.tap_fds = msg.fds;
  if (!qc::runner::ResolveQemuBinary(spec.qemu_binary(), &facts.qemu_binary, &err)) {
    return Fail(err);
  }
  qc::runner::AccelChoice accel;
  if (!qc::runner::ChooseAccel(spec.accel(), std::getenv("QEMU_COMPOSE_ACCEL"),
                               qc::runner::ProbeReadWrite("/dev/kvm"), &accel, &err)) {
    return Fail(err);
  }
  facts.accel = accel.accel;
  if (!accel.warning.empty()) {
    Log(accel.warning);
  }
  if (spec.vhost() && !msg.fds.empty()) {
    std::string vhost_err = qc::runner::ProbeReadWrite("/dev/vhost-net");
    if (vhost_err.empty()) {
      for (std::size_t i = 0; i < msg.fds.size(); ++i) {
        int fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
        if (fd < 0) {
          return Fail("opening /dev/vhost-net: " + std::string(std::strerror(errno)));
        }
        facts.vhost_fds.push_back(fd);
      }
    } else {
      Log("vhost-net not usable (" + vhost_err + "); using userspace virtio-net");
    }
  }

  if (!qc::runner::StartVirtiofsDaemons(spec, QcFsdPath(), &err)) {
    return Fail("sharing a directory: " + err);
  }
  std::vector<std::string> argv = qc::runner::BuildQemuArgv(spec, facts);
  std::vector<int> keep = facts.tap_fds;
  keep.insert(keep.end(), facts.vhost_fds.begin(), facts.vhost_fds.end());
  if (!qc::runner::PrepareFdsForExec(keep, kControlFd, &err)) {
    return Fail(err);
  }
  // QEMU's sockets, pid file and serial log are for this user only.
  umask(077);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Fail("prctl(PR_SET_NO_NEW_PRIVS): " + std::string(std::strerror(errno)));
  }
  // One serial log per QEMU run: `up --wait` looks for this boot's lease in
  // it, so the previous run's lines move to serial.log.1.
  std::string serial = spec.instance_dir() + "/" + qc::runner::kSerialLogName;
  if (rename(serial.c_str(), (serial + ".1").c_str()) != 0 && errno != ENOENT) {
    Log("warning: cannot rotate " + serial + ": " + std::strerror(errno));
  }
  Log("starting pid " + std::to_string(getpid()) + ": " + QuoteArgv(argv));
  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (auto& a : argv) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);
  std::string pid_msg = "pid: " + std::to_string(getpid());
  // If the frontend gave up waiting (closed or shut down fd 3), starting a
  // VM nobody tracks would be wrong: stop here.
  rc = qc::SendMessage(kControlFd, pid_msg.data(), pid_msg.size());
  if (rc != 0) {
    Log("error: the frontend is gone (" + std::string(std::strerror(-rc)) + "); not starting QEMU");
    return 1;
  }
  execv(cargv[0], cargv.data());
  return Fail("cannot execute " + argv[0] + ": " + std::strerror(errno), 127);
}

}  // namespace

int main() {
  return Run();
}
