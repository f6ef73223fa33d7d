// Benchmark (not a test): round-trip latency per helper operation and TAPs
// created+attached per second. Run as root after the itest setup fixture:
//   QC_IT_PREFIX=<prefix> helper_bench
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>

#include "client.h"

namespace {

using Clock = std::chrono::steady_clock;

double MeanMicros(int n, const std::function<void(int)>& op) {
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) op(i);
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n;
}

}  // namespace

int main() {
  using qc::itest::HelperClient;
  qc::itest::Netns ns;
  HelperClient c;
  c.Start(ns, qc::itest::UserA(), qc::itest::GetInstall().helper);
  qc::netd::Reply r;
  auto start = Clock::now();
  if (!c.Hello(&r)) {
    std::fprintf(stderr, "helper did not answer Hello: %s\n", r.message().c_str());
    return 1;
  }
  std::printf("start+Hello          %8.0f us\n",
              std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  std::printf("ListOwned            %8.0f us\n",
              MeanMicros(200, [&](int) { c.Call(qc::itest::ListOwnedReq(), &r); }));
  std::printf("CreateBridge         %8.0f us\n", MeanMicros(8, [&](int i) {
                c.Call(qc::itest::CreateBridgeReq("qc-bench" + std::to_string(i)), &r);
              }));
  std::printf("AddAddress           %8.0f us\n", MeanMicros(8, [&](int i) {
                c.Call(qc::itest::AddAddressReq("qc-bench" + std::to_string(i),
                                                "172.16." + std::to_string(100 + i) + ".1/24"),
                       &r);
              }));
  std::vector<int> all;
  auto tap_start = Clock::now();
  int made = 0;
  for (int i = 0; i < 64; ++i) {
    std::vector<int> fds;
    if (c.Call(qc::itest::CreateTapReq("tap-b" + std::to_string(i), "qc-bench0"), &r, &fds) &&
        r.status() == qc::netd::OK) {
      ++made;
    }
    all.insert(all.end(), fds.begin(), fds.end());
  }
  double secs = std::chrono::duration<double>(Clock::now() - tap_start).count();
  std::printf("CreateTap            %8.0f us  (%d TAPs, %.0f created+attached per second)\n",
              secs * 1e6 / 64, made, made / secs);
  for (int fd : all) close(fd);
  std::printf("DeleteBridge         %8.0f us\n", MeanMicros(8, [&](int i) {
                c.Call(qc::itest::DeleteBridgeReq("qc-bench" + std::to_string(i)), &r);
              }));
  return c.Finish() == 0 ? 0 : 1;
}
