#include "naming/subnet_alloc.h"

#include <gtest/gtest.h>

namespace qc::naming {
namespace {

Ipv4Net Net(const std::string& cidr) {
  return *ParseCidr(cidr);
}

TEST(SubnetAlloc, EmptyHostGetsFirstSlash24) {
  auto s = AllocateSubnet({});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ToString(), "172.16.0.0/24");
}

TEST(SubnetAlloc, DefaultRouteIsIgnoredButOtherRoutesAreAvoided) {
  auto s = AllocateSubnet({Net("0.0.0.0/0"), Net("172.16.0.0/24"), Net("172.16.1.7/32")});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ToString(), "172.16.2.0/24");
}

TEST(SubnetAlloc, WiderHostNetworkSkipsAllItsSlash24s) {
  // Docker-like 172.17.0.0/16 plus a host address in 172.16.0.0/20.
  auto s = AllocateSubnet({Net("172.16.0.0/20"), Net("10.0.0.0/8")});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ToString(), "172.16.16.0/24");
}

TEST(SubnetAlloc, CoveringRouteExhaustsPool) {
  EXPECT_FALSE(AllocateSubnet({Net("172.16.0.0/12")}));
  EXPECT_FALSE(AllocateSubnet({Net("172.0.0.0/8")}));
}

TEST(SubnetAlloc, OtherPoolsAreRespected) {
  auto s = AllocateSubnet({Net("10.99.0.0/24")}, Net("10.99.0.0/23"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ToString(), "10.99.1.0/24");
}

TEST(Ipv4, ParseCidrRejectsGarbageAndClearsHostBits) {
  EXPECT_FALSE(ParseCidr("172.16.0.0"));
  EXPECT_FALSE(ParseCidr("172.16.0.0/33"));
  EXPECT_FALSE(ParseCidr("172.16.0/24"));
  EXPECT_FALSE(ParseCidr("172.16.0.0/2x"));
  EXPECT_EQ(ParseCidr("172.16.5.77/24")->ToString(), "172.16.5.0/24");
}

TEST(SubnetAlloc, ReadsTheHostTable) {
  std::vector<Ipv4Net> nets;
  std::string err;
  ASSERT_TRUE(ReadHostNetworks(&nets, &err)) << err;
  // Every namespace has loopback (127.0.0.0/8 via the local table).
  bool has_loopback = false;
  for (const auto& n : nets) has_loopback |= n.Contains(0x7f000001U);
  EXPECT_TRUE(has_loopback);
}

}  // namespace
}  // namespace qc::naming
