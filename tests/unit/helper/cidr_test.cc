#include "cidr.h"

#include <gtest/gtest.h>

namespace qc::netd {
namespace {

Cidr P(const std::string& s) {
  Cidr c;
  std::string err;
  EXPECT_TRUE(ParseCidr(s, &c, &err)) << s << ": " << err;
  return c;
}

TEST(HelperCidr, ParsesStrictly) {
  Cidr c = P("172.16.3.1/24");
  EXPECT_EQ(c.addr, 0xac100301U);
  EXPECT_EQ(c.prefix, 24);
  EXPECT_EQ(FormatCidr(c), "172.16.3.1/24");
  std::string err;
  for (const char* bad : {"172.16.3.1", "172.16.3.1/", "172.16.3.1/33", "172.16.3.1/024",
                          "172.16.3/24", "172.016.3.1/24", "256.1.1.1/24", "a.b.c.d/24",
                          "172.16.3.1/2a", "172.16.3.1/24 ", " 172.16.3.1/24", "::1/64", ""}) {
    EXPECT_FALSE(ParseCidr(bad, &c, &err)) << bad;
    EXPECT_FALSE(err.empty());
  }
}

TEST(HelperCidr, OverlapAndContainment) {
  EXPECT_TRUE(Overlaps(P("172.16.0.0/12"), P("172.20.1.0/24")));
  EXPECT_TRUE(Overlaps(P("172.20.1.0/24"), P("172.16.0.0/12")));
  EXPECT_FALSE(Overlaps(P("172.16.1.0/24"), P("172.16.2.0/24")));
  EXPECT_TRUE(Overlaps(P("172.16.30.0/23"), P("172.16.31.1/24")));
  EXPECT_TRUE(Contains(P("172.16.0.0/12"), P("172.31.255.0/24")));
  EXPECT_FALSE(Contains(P("172.16.0.0/12"), P("172.32.0.0/24")));
  EXPECT_FALSE(Contains(P("172.16.1.0/24"), P("172.16.0.0/16")));
  EXPECT_TRUE(Overlaps(P("0.0.0.0/0"), P("10.0.0.0/8")));
}

TEST(HelperCidr, GatewayRules) {
  std::string err;
  EXPECT_TRUE(CheckGatewayCidr(P("172.16.3.1/24"), &err));
  EXPECT_TRUE(CheckGatewayCidr(P("172.17.0.1/16"), &err));
  EXPECT_FALSE(CheckGatewayCidr(P("172.16.3.1/25"), &err));
  EXPECT_NE(err.find("smaller than a /24"), std::string::npos);
  EXPECT_FALSE(CheckGatewayCidr(P("172.16.0.1/15"), &err));
  EXPECT_FALSE(CheckGatewayCidr(P("172.16.3.2/24"), &err));
  EXPECT_NE(err.find("172.16.3.1/24"), std::string::npos) << err;
  EXPECT_FALSE(CheckGatewayCidr(P("172.16.3.0/24"), &err));
  EXPECT_FALSE(CheckGatewayCidr(P("172.16.3.1/23"), &err));  // not aligned: .2.1 is first host
}

}  // namespace
}  // namespace qc::netd
