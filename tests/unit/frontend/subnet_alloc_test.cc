// `subnet: auto`: the first free /24 of the helper's pools.
#include "naming/subnet_alloc.h"

#include <gtest/gtest.h>

namespace qc::naming {
namespace {

ipv4::Cidr P(const std::string& s) {
  return ipv4::ParseCidr(s).value_or(ipv4::Cidr{});
}

TEST(SubnetAlloc, FirstFreeSubnetSkipsWhatIsUsedAndIgnoresDefaultRoutes) {
  const std::vector<ipv4::Cidr> dflt = {ipv4::kDefaultPool};
  EXPECT_EQ(FirstFreeSubnet(dflt, {}), P("172.16.0.0/24"));
  EXPECT_EQ(FirstFreeSubnet(dflt, {P("0.0.0.0/0"), P("172.16.0.0/24"), P("172.16.1.7/32")}),
            P("172.16.2.0/24"));
  // A host address in 172.16.0.0/20 and an unrelated 10/8.
  EXPECT_EQ(FirstFreeSubnet(dflt, {P("172.16.0.0/20"), P("10.0.0.0/8")}), P("172.16.16.0/24"));
  EXPECT_FALSE(FirstFreeSubnet(dflt, {P("172.16.0.0/12")}).has_value());
  EXPECT_FALSE(FirstFreeSubnet(dflt, {P("172.0.0.0/8")}).has_value());
  EXPECT_FALSE(FirstFreeSubnet({}, {}).has_value());
}

TEST(SubnetAlloc, FirstFreeSubnetUsesThePoolsInOrder) {
  // An administrator's pool = 10.200.0.0/16 replaces the default.
  EXPECT_EQ(FirstFreeSubnet({P("10.200.0.0/16")}, {}), P("10.200.0.0/24"));
  EXPECT_EQ(FirstFreeSubnet({P("10.99.0.0/23")}, {P("10.99.0.0/24")}), P("10.99.1.0/24"));
  // A full first pool moves on to the next; a pool smaller than a /24 holds none.
  EXPECT_EQ(
      FirstFreeSubnet({P("10.99.0.0/25"), P("10.1.0.0/24"), P("10.2.0.0/24")}, {P("10.1.0.0/16")}),
      P("10.2.0.0/24"));
}

}  // namespace
}  // namespace qc::naming
