// Issue 6, scenario 7: four projects of two users brought up at the same
// moment get four distinct subnets and bridges, every VM its lease, and four
// simultaneous downs leave nothing behind.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

TEST(E2eConcurrency, FourSimultaneousUpsOfTwoUsersGetDistinctSubnetsAndLeases) {
  constexpr int kProjects = 4;
  Netns ns;
  std::vector<std::unique_ptr<Project>> projects;
  projects.reserve(kProjects);
  for (int i = 0; i < kProjects; ++i) {
    projects.push_back(
        std::make_unique<Project>(ns, i % 2 == 0 ? UserA() : UserB(), "par" + std::to_string(i),
                                  std::vector<std::string>{"vm" + std::to_string(i)}));
  }
  std::vector<pid_t> ups;
  ups.reserve(kProjects);
  for (const auto& p : projects) {
    ups.push_back(p->SpawnQc("up --wait --timeout " + std::to_string(kUpWaitS)));
  }
  for (std::size_t i = 0; i < ups.size(); ++i) {
    EXPECT_EQ(WaitPid(ups[i], kUpTimeoutMs), 0) << "project " << i << ":\n"
                                                << projects[i]->Diagnostics();
  }

  std::set<std::string> subnets;
  std::set<std::string> bridges;
  for (const auto& p : projects) {
    subnets.insert(p->Subnet());
    bridges.insert(p->Bridge());
    EXPECT_EQ(CheckLeasesMatchReservations(*p), "") << p->Diagnostics();
  }
  EXPECT_EQ(subnets.size(), std::size_t{kProjects});
  EXPECT_EQ(bridges.size(), std::size_t{kProjects});
  EXPECT_EQ(ns.Run("ip -o link show type bridge | grep -c ': qc-'").out, "4\n")
      << ns.Run("ip -o link show").out;

  std::vector<pid_t> downs;
  downs.reserve(kProjects);
  for (const auto& p : projects) {
    downs.push_back(p->SpawnQc("down"));
  }
  for (std::size_t i = 0; i < downs.size(); ++i) {
    EXPECT_EQ(WaitPid(downs[i], kCmdTimeoutMs), 0) << projects[i]->SpawnedOutput();
  }
  EXPECT_EQ(Leftovers(ns, {bridges.begin(), bridges.end()}, {UserA().uid, UserB().uid}), "");
}

}  // namespace
}  // namespace qc::itest::e2e
