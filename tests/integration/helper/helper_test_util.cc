#include "helper_test_util.h"

#include <gtest/gtest.h>

namespace qc::itest {

std::string NetDump(const Netns& ns) {
  CmdResult r = ns.Run(
      "ip -d link | sed -E 's/[a-z_]+_timer +[0-9.]+//g'; ip addr | sed 's/ tentative//'; ip "
      "route; "
      "nft list ruleset");
  return r.out + r.err;
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
