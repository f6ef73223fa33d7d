// A short compose file can fan one aliased mapping out to many vms: every
// problem is still reported once per vm, in a time linear in their number
// (de-duplicating the messages used to be quadratic: minutes for this file).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_util.h"

namespace qc::compose {
namespace {

TEST(AliasFanout, EveryTypoOfAnAliasedMappingIsReportedOncePerVm) {
  constexpr int kKeys = 300;
  constexpr int kVms = 400;
  std::string yaml = "x-typos: &typos {";
  for (int k = 0; k < kKeys; ++k) {
    yaml += (k == 0 ? "k" : ", k") + std::to_string(k) + ": 1";
  }
  yaml += "}\nvms:\n";
  for (int v = 0; v < kVms; ++v) {
    yaml += "  v" + std::to_string(v) + ": *typos\n";
  }
  const testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(dir, yaml);
  ASSERT_FALSE(r.ok);
  // One "unknown key" and one "needs 'image' or 'kernel'" per key and vm.
  const auto lines = std::count(r.error.begin(), r.error.end(), '\n') + 1;
  EXPECT_EQ(lines, kKeys * kVms + kVms);
  EXPECT_NE(r.error.find("vm 'v399': unknown key 'k299'"), std::string::npos);
}

}  // namespace
}  // namespace qc::compose
