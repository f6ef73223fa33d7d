// depends_on gives a start order: dependencies first, ties by name.
#include "compose/start_order.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace qc::compose {
namespace {

using Graph = std::map<std::string, std::vector<std::string>>;

std::vector<std::string> Order(const Graph& g) {
  std::vector<std::string> order;
  std::vector<std::string> cycle;
  EXPECT_TRUE(StartOrder(g, &order, &cycle));
  return order;
}

std::vector<std::string> Cycle(const Graph& g) {
  std::vector<std::string> order;
  std::vector<std::string> cycle;
  EXPECT_FALSE(StartOrder(g, &order, &cycle));
  return cycle;
}

TEST(StartOrder, IndependentVmsStartAlphabetically) {
  EXPECT_EQ(Order({{"c", {}}, {"a", {}}, {"b", {}}}), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(StartOrder, DependenciesComeFirst) {
  EXPECT_EQ(Order({{"app", {"db"}}, {"db", {}}, {"zz", {}}}),
            (std::vector<std::string>{"db", "app", "zz"}));
  // Diamond: web needs api and auth, both need db.
  EXPECT_EQ(Order({{"web", {"auth", "api"}}, {"api", {"db"}}, {"auth", {"db"}}, {"db", {}}}),
            (std::vector<std::string>{"db", "api", "auth", "web"}));
  // A repeated dependency counts once.
  EXPECT_EQ(Order({{"a", {"b", "b"}}, {"b", {}}}), (std::vector<std::string>{"b", "a"}));
}

TEST(StartOrder, CycleIsNamedFromItsFirstMember) {
  EXPECT_EQ(Cycle({{"b", {"a"}}, {"a", {"b"}}}), (std::vector<std::string>{"a", "b", "a"}));
  // x only depends on the cycle; it is not part of it.
  EXPECT_EQ(Cycle({{"x", {"m"}}, {"m", {"n"}}, {"n", {"o"}}, {"o", {"m"}}}),
            (std::vector<std::string>{"m", "n", "o", "m"}));
}

TEST(StartOrder, ComesOutOfALoadedProject) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(dir, R"(vms:
  web: {image: d.qcow2, depends_on: [api]}
  api: {image: d.qcow2, depends_on: [db, cache]}
  db: {image: d.qcow2}
  cache: {image: d.qcow2}
  batch: {image: d.qcow2}
)");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.start_order,
            (std::vector<std::string>{"batch", "cache", "db", "api", "web"}));
}

TEST(StartOrder, TwoVmCycleInAFile) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(dir, R"(vms:
  a: {image: d.qcow2, depends_on: [b]}
  b: {image: d.qcow2, depends_on: [a]}
)");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "qemu-compose.yaml:2:36: vm 'a': depends_on cycle: a -> b -> a");
}

}  // namespace
}  // namespace qc::compose
