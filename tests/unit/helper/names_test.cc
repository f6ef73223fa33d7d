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

TEST(HelperNames, QuotedShowsCallerBytesAsPrintableAsciiOnly) {
  EXPECT_EQ(Quoted("qc-web"), "'qc-web'");
  EXPECT_EQ(Quoted(""), "''");
  EXPECT_EQ(Quoted("caf\xc3\xa9"), "'caf\\xc3\\xa9'");
  EXPECT_EQ(Quoted(std::string("a\0'\\\n\x7f", 6)), "'a\\x00\\x27\\x5c\\x0a\\x7f'");
  EXPECT_EQ(Quoted(std::string(100, 'x')), "'" + std::string(64, 'x') + "'...");
}

}  // namespace
}  // namespace qc::netd
