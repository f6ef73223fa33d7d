// Issue 6, scenario 8: bad input reaches no host state. A compose error, a
// subnet overlapping a route of the namespace and a subnet the policy
// forbids each fail with a message naming the problem, leave links,
// addresses, routes and nftables exactly as they were and no process behind,
// and the next correct `up` works.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

constexpr int kExitError = 1;       // an operation failed
constexpr int kExitBadCompose = 3;  // compose file missing or invalid

class E2eBadInput : public ::testing::Test {
 protected:
  // `up` fails with `exit_code` and a message containing each of `words`;
  // nothing in the namespace changed and no process of the user is left.
  void ExpectRefusedWithoutTrace(const Project& p, int exit_code,
                                 const std::vector<std::string>& words) {
    const std::string before = NetDump(ns_);
    CmdResult up = p.Qc("up");
    EXPECT_EQ(up.exit_code, exit_code) << up.out << up.err;
    for (const auto& w : words) {
      EXPECT_NE((up.out + up.err).find(w), std::string::npos) << "message lacks '" << w << "':\n"
                                                              << up.out << up.err;
    }
    EXPECT_EQ(NetDump(ns_), before);
    EXPECT_EQ(UserProcessesIn(ns_, p.user().uid), "");
  }
  // The corrected project comes up (its network and its VM; with `wait`, the
  // VM's lease too), and goes.
  void ExpectCorrectedUpWorks(const Project& p, const std::string& subnet, bool wait = false) {
    p.WriteCompose(p.Compose(subnet));
    CmdResult up = wait ? p.UpWait() : p.Qc("up");
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();
    if (wait) {
      EXPECT_EQ(CheckLeasesMatchReservations(p), "") << p.Diagnostics();
    }
    EXPECT_NE(up.out.find("✓ network lan: " + p.Bridge() + " " + p.Subnet() + " (created)"),
              std::string::npos)
        << up.out;
    EXPECT_NE(up.out.find("✓ vm vm: created"), std::string::npos) << up.out;
    EXPECT_EQ(ns_.Run("ip -o addr show " + p.Bridge() + " | grep -c 'inet '").out, "1\n");
    const std::string bridge = p.Bridge();
    CmdResult down = p.Qc("down --force");
    ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
    EXPECT_EQ(Leftovers(ns_, {bridge}, {p.user().uid}), "");
  }
  Netns ns_;
};

TEST_F(E2eBadInput, ComposeErrorsChangeNothing) {
  Project p(ns_, UserA(), "bad", {"vm"});
  std::string good = p.Compose("auto");
  std::string misspelt = good;
  misspelt.replace(misspelt.find("memory:"), 7, "memroy:");
  p.WriteCompose(misspelt);
  ExpectRefusedWithoutTrace(p, kExitBadCompose, {"memroy", "did you mean 'memory'"});

  std::string undeclared = good;
  undeclared.replace(undeclared.find("networks: [lan]"), 15, "networks: [wan]");
  p.WriteCompose(undeclared);
  ExpectRefusedWithoutTrace(p, kExitBadCompose, {"wan"});
  EXPECT_FALSE(std::filesystem::exists(p.StateDir())) << "a refused file left project state";

  ExpectCorrectedUpWorks(p, "auto");
}

TEST_F(E2eBadInput, SubnetOverlappingARouteChangesNothing) {
  ASSERT_EQ(ns_.Run("ip route add 172.20.0.0/16 dev lo").exit_code, 0);
  Project p(ns_, UserA(), "bad", {"vm"}, "172.20.1.0/24");
  ExpectRefusedWithoutTrace(p, kExitError, {"172.20.1.0/24", "overlaps", "172.20.0.0/16"});
  // The refused subnet must not stick to the network once it says `auto`.
  ExpectCorrectedUpWorks(p, "auto", /*wait=*/true);
}

TEST_F(E2eBadInput, SubnetOutsideThePolicyPoolsChangesNothing) {
  // No /etc/qemu-compose/netd.conf: the helper's default pool 172.16.0.0/12.
  Project p(ns_, UserB(), "bad", {"vm"}, "10.99.0.0/24");
  ExpectRefusedWithoutTrace(p, kExitError, {"10.99.0.0/24", "outside the allowed pools"});
  ExpectCorrectedUpWorks(p, "172.31.5.0/24");
}

}  // namespace
}  // namespace qc::itest::e2e
