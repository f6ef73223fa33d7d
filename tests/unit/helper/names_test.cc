#include "names.h"

#include <gtest/gtest.h>

namespace qc::netd {
namespace {

TEST(HelperNames, BridgeNames) {
  EXPECT_TRUE(IsValidBridgeName("qc-a"));
  EXPECT_TRUE(IsValidBridgeName("qc-0123-abcdefg"));    // 15 chars, the kernel's limit
  EXPECT_FALSE(IsValidBridgeName("qc-0123-abcdefgh"));  // 16: refused, never truncated
  EXPECT_FALSE(IsValidBridgeName("qc-"));
  EXPECT_FALSE(IsValidBridgeName(""));
  EXPECT_FALSE(IsValidBridgeName("qc-A"));
  EXPECT_FALSE(IsValidBridgeName("qc-a_b"));
  EXPECT_FALSE(IsValidBridgeName("qc-a/b"));
  EXPECT_FALSE(IsValidBridgeName("qc-a b"));
  EXPECT_FALSE(IsValidBridgeName(std::string("qc-a\0b", 6)));
  EXPECT_FALSE(IsValidBridgeName("QC-a"));
  EXPECT_FALSE(IsValidBridgeName("eth0"));
  EXPECT_FALSE(IsValidBridgeName("tap-a"));
  EXPECT_FALSE(IsValidBridgeName(" qc-a"));
}

TEST(HelperNames, TapNames) {
  EXPECT_TRUE(IsValidTapName("tap-a"));
  EXPECT_TRUE(IsValidTapName("tap-0123456789a"));  // 15
  EXPECT_FALSE(IsValidTapName("tap-0123456789ab"));
  EXPECT_FALSE(IsValidTapName("tap-"));
  EXPECT_FALSE(IsValidTapName("qc-a"));
  EXPECT_FALSE(IsValidTapName("tap-a.b"));
  EXPECT_FALSE(IsValidTapName("tap0"));
}

}  // namespace
}  // namespace qc::netd
