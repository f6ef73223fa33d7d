#include "names.h"

#include <gtest/gtest.h>

namespace qc::netd {
namespace {

TEST(HelperOwnership, AliasNamesTheUid) {
  EXPECT_EQ(OwnerAlias(1000), "qemu-compose:uid=1000");
  EXPECT_TRUE(AliasOwnedBy("qemu-compose:uid=0", 0));
  EXPECT_TRUE(AliasOwnedBy(OwnerAlias(4294967294U), 4294967294U));
}

TEST(HelperOwnership, ExactUidOnlyNeverPrefix) {
  EXPECT_TRUE(AliasOwnedBy("qemu-compose:uid=10", 10));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=100", 10));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=10", 100));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=010", 10));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=10 ", 10));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=+10", 10));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=10x", 10));
  EXPECT_FALSE(AliasOwnedBy(" qemu-compose:uid=10", 10));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=", 0));
  EXPECT_FALSE(AliasOwnedBy("", 0));
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=4294967306", 10));           // wraps to 10 in 32 bits
  EXPECT_FALSE(AliasOwnedBy("qemu-compose:uid=4294967295", 4294967295U));  // (uid_t)-1
}

}  // namespace
}  // namespace qc::netd
