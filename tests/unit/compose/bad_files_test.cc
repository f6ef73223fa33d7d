// Every file under bad/ must fail to load with exactly the messages its
// "# expect: LINE:COL: message" comment lines list, in that order.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace qc::compose {
namespace {

const std::string kFixtures = QC_COMPOSE_FIXTURES;

std::vector<std::string> BadFiles() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures + "/bad")) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ExpectedErrors(const std::string& name) {
  std::ifstream in(kFixtures + "/bad/" + name);
  std::string line;
  std::string expected;
  const std::string marker = "# expect: ";
  while (std::getline(in, line)) {
    if (!line.starts_with(marker)) {
      continue;
    }
    if (!expected.empty()) {
      expected += '\n';
    }
    expected += "bad/" + name + ":" + line.substr(marker.size());
  }
  return expected;
}

class BadFile : public ::testing::TestWithParam<std::string> {};

TEST_P(BadFile, FailsWithExactMessage) {
  const std::string expected = ExpectedErrors(GetParam());
  ASSERT_FALSE(expected.empty()) << "fixture lacks '# expect:' lines";
  LoadOptions opts;
  opts.file = "bad/" + GetParam();
  opts.cwd = kFixtures;
  const testing::LoadResult r = testing::LoadWith(opts);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, expected);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BadFile, ::testing::ValuesIn(BadFiles()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name =
                               param_info.param.substr(0, param_info.param.find('.'));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(BadFiles, AtLeastThirtyFixtures) {
  EXPECT_GE(BadFiles().size(), 30U);
}

}  // namespace
}  // namespace qc::compose
