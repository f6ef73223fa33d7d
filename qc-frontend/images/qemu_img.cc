#include "images/qemu_img.h"

#include "subprocess.h"

namespace qc::images {
namespace {

// A hostile qcow2 can make qemu-img allocate and compute a lot; these are
// far above what a sane image needs.
constexpr unsigned long kCpuSeconds = 20;
constexpr unsigned long long kAddressSpace = 2ULL << 30;
constexpr int kTimeoutMs = 60'000;

}  // namespace

QemuImgRun RunQemuImg(const std::vector<std::string>& args) {
  SpawnOptions opts;
  opts.argv = {"qemu-img"};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.search_path = true;
  opts.in = Redirect::Null();
  opts.out = Redirect::Pipe();
  opts.err = Redirect::Pipe();
  opts.limits.cpu_seconds = kCpuSeconds;
  opts.limits.address_space = kAddressSpace;
  RunResult run = RunProcess(opts, kTimeoutMs);
  QemuImgRun result;
  result.ok = run.Success();
  result.out = run.out;
  if (!result.ok) {
    std::string detail = run.err.substr(0, run.err.find('\n'));
    result.failure = run.Describe(kTimeoutMs) + (detail.empty() ? "" : ": " + detail);
  }
  return result;
}

}  // namespace qc::images
