// What the frontend does with qc_vmctl, as a small command for the runner's
// integration tests, so that part runs as the unprivileged user inside the
// test's network namespace:
//   runner_itool launch RUNNER SPEC_FILE LOG [fds]  - LaunchRunner with the
//       serialized VmSpec in SPEC_FILE; with "fds", the TAP fds to pass are
//       read as SCM_RIGHTS from a datagram waiting on fd 3.
//       Prints "pid N" or the error (exit 1).
//   runner_itool stop QMP_SOCK PID GRACE_S force|graceful - StopVm; prints the
//       step that ended QEMU (exit 1 if it failed).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runner_launch.h"
#include "seqpacket.h"
#include "stop_vm.h"
#include "vmspec.pb.h"

namespace {

int Launch(const std::string& runner, const std::string& spec_file, const std::string& log,
           bool with_fds) {
  std::ifstream in(spec_file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  qc::vm::VmSpec spec;
  if (!in || !spec.ParseFromString(bytes.str())) {
    (void)std::fprintf(stderr, "runner_itool: cannot read a VmSpec from %s\n", spec_file.c_str());
    return 1;
  }
  std::vector<int> fds;
  if (with_fds) {
    qc::Received msg;
    if (qc::ReceiveMessage(3, &msg) != 0 || msg.fds.empty()) {
      (void)std::fprintf(stderr, "runner_itool: no TAP fds on fd 3\n");
      return 1;
    }
    fds = msg.fds;
  }
  pid_t pid = -1;
  std::string err;
  if (!qc::LaunchRunner(runner, spec, fds, log, &pid, &err)) {
    std::printf("%s\n", err.c_str());
    return 1;
  }
  std::printf("pid %d\n", static_cast<int>(pid));
  return 0;
}

int Stop(const std::string& qmp, const std::string& pid, const std::string& grace,
         const std::string& mode) {
  qc::StopResult r = qc::StopVm(qmp, static_cast<pid_t>(std::atoi(pid.c_str())),
                                std::atoi(grace.c_str()), mode == "force");
  std::printf("%s\n", qc::StopStepName(r.step));
  if (!r.detail.empty()) {
    std::printf("detail: %s\n", r.detail.c_str());
  }
  return r.step == qc::StopStep::kFailed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 4 && args[0] == "launch") {
    return Launch(args[1], args[2], args[3], args.size() > 4 && args[4] == "fds");
  }
  if (args.size() == 5 && args[0] == "stop") {
    return Stop(args[1], args[2], args[3], args[4]);
  }
  (void)std::fprintf(
      stderr,
      "usage: runner_itool launch RUNNER SPEC LOG [tap] | stop QMP PID GRACE force|graceful\n");
  return 2;
}
