#include "helper_test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace qc::itest {

namespace {

std::string RawNetDump(const Netns& ns) {
  // After a request returns, the kernel's linkwatch work still updates
  // operstate ("state UP") and adds IPv6 link-local addresses, up to a second
  // later. Neither is the helper's doing (the link and its flags, which are
  // kept, show what it did), so both are left out; bridge timers tick.
  CmdResult r = ns.Run(
      "ip -d link | sed -E 's/[a-z_]+_timer +[0-9.]+//g; s/ state [A-Z]+//'; "
      "ip addr | sed -E 's/ state [A-Z]+//; s/ tentative//; /inet6 fe80:/{N;d}'; "
      "ip route; nft list ruleset");
  return r.out + r.err;
}

}  // namespace

std::string NetDump(const Netns& ns) {
  // Returns once two dumps 200 ms apart agree, so a change the kernel is
  // still making is not mistaken for one a refused request made.
  std::string last = RawNetDump(ns);
  for (int i = 0; i < 15; ++i) {
    usleep(200 * 1000);
    std::string now = RawNetDump(ns);
    if (now == last) break;
    last = now;
  }
  return last;
}

void StartHello(HelperClient* c, const Netns& ns, const User& u) {
  c->Start(ns, u, GetInstall().helper);
  qc::netd::Reply r;
  ASSERT_TRUE(c->Hello(&r)) << r.message();
}

std::string StatusField(int pid, const std::string& key) {
  std::string status = ReadFile("/proc/" + std::to_string(pid) + "/status");
  std::size_t at = status.find("\n" + key + ":");
  if (at == std::string::npos) return "";
  std::size_t start = status.find_first_not_of(" \t", at + key.size() + 2);
  std::size_t end = status.find('\n', start);
  return status.substr(start, end - start);
}

}  // namespace qc::itest
