// Several processes changing the NAT table at the same moment, as several
// helpers (one per user session) would. Each change is one nftables
// transaction, so the result must be exactly one rule set per bridge.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "nat/nat.h"
#include "netns_test_util.h"

namespace qc::netd {
namespace {

using nattest::BridgeChains;
using nattest::Net;
using nattest::Sh;

constexpr int kProcs = 6;
constexpr int kRounds = 15;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// Forks kProcs children that wait on a pipe, then all run `work(i)` at once.
// Returns how many children reported failure.
template <typename Work>
int RaceChildren(Work work) {
  int go[2];
  if (pipe(go) != 0) {
    return kProcs;
  }
  std::vector<pid_t> kids;
  kids.reserve(kProcs);
  for (int i = 0; i < kProcs; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      close(go[1]);
      char c = 0;
      (void)!read(go[0], &c, 1);  // returns at EOF, when the parent closes its end
      _exit(work(i) ? 0 : 1);
    }
    kids.push_back(pid);
  }
  close(go[0]);
  close(go[1]);
  int failed = 0;
  for (const pid_t pid : kids) {
    int status = 0;
    failed += (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
               WEXITSTATUS(status) != 0)
                  ? 1
                  : 0;
  }
  return failed;
}

std::string Bridge(int i) {
  return "qc-race" + std::to_string(i);
}

ipv4::Cidr Subnet(int i) {
  return Net(("172.29." + std::to_string(i) + ".0/24").c_str());
}

TEST(NatConcurrency, ParallelEnableDisableOfDifferentBridgesLeavesOneSetEach) {
  std::vector<ipv4::Cidr> subnets;
  subnets.reserve(kProcs);
  for (int i = 0; i < kProcs; ++i) {
    subnets.push_back(Subnet(i));
  }
  const int failed = RaceChildren([&](int i) {
    std::string err;
    bool ok = true;
    for (int round = 0; round < kRounds; ++round) {
      ok = NatEnable(Bridge(i), subnets[i], &err) && ok;
      ok = NatEnable(Bridge(i), subnets[i], &err) && ok;
      ok = NatDisable(Bridge(i), &err) && ok;
    }
    ok = NatEnable(Bridge(i), subnets[i], &err) && ok;
    if (!ok) {
      (void)fprintf(stderr, "%s: %s\n", Bridge(i).c_str(), err.c_str());
    }
    return ok;
  });
  EXPECT_EQ(failed, 0);
  const std::string table = Sh("nft list table ip qemu_compose");
  for (int i = 0; i < kProcs; ++i) {
    EXPECT_TRUE(NatIsEnabled(Bridge(i)));
    const std::string subnet = "172.29." + std::to_string(i) + ".0/24";
    EXPECT_EQ(Count(table, BridgeChains(Bridge(i), subnet)), 1U) << table;
    EXPECT_EQ(Count(table, "chain " + Bridge(i) + "-"), 2U) << table;
  }
  Sh("nft delete table ip qemu_compose");
}

TEST(NatConcurrency, ParallelEnableOfTheSameBridgeLeavesOneSet) {
  const ipv4::Cidr subnet = Subnet(50);
  const int failed = RaceChildren([&](int) {
    std::string err;
    bool ok = true;
    for (int round = 0; round < kRounds; ++round) {
      ok = NatEnable("qc-shared", subnet, &err) && ok;
    }
    return ok;
  });
  EXPECT_EQ(failed, 0);
  const std::string table = Sh("nft list table ip qemu_compose");
  EXPECT_EQ(table,
            "table ip qemu_compose {\n" + BridgeChains("qc-shared", "172.29.50.0/24") + "}\n");
  Sh("nft delete table ip qemu_compose");
}

}  // namespace
}  // namespace qc::netd
