// qc-common/ipv4: the one place both the frontend and the helper take their
// IPv4 parsing and subnet rules from.
#include "ipv4.h"

#include <gtest/gtest.h>

namespace qc::ipv4 {
namespace {

Cidr P(const std::string& s) {
  const std::optional<Cidr> c = ParseCidr(s);
  EXPECT_TRUE(c.has_value()) << s;
  return c.value_or(Cidr{});
}

TEST(Ipv4, ParsesStrictly) {
  const Cidr c = P("172.16.3.1/24");
  EXPECT_EQ(c.addr, 0xac100301U);
  EXPECT_EQ(c.prefix, 24);
  EXPECT_EQ(FormatCidr(c), "172.16.3.1/24");
  EXPECT_EQ(FormatCidr(P("0.0.0.0/0")), "0.0.0.0/0");
  EXPECT_EQ(FormatCidr(P("255.255.255.255/32")), "255.255.255.255/32");
  const std::vector<std::string> bad_texts = {"172.16.3.1",
                                              "172.16.3.1/",
                                              "172.16.3.1/33",
                                              "172.16.3.1/024",
                                              "172.16.3.1/+4",
                                              "172.16.3.1/-1",
                                              "172.16.3/24",
                                              "172.016.3.1/24",
                                              "256.1.1.1/24",
                                              "a.b.c.d/24",
                                              "172.16.3.1/2a",
                                              "172.16.3.1/24 ",
                                              " 172.16.3.1/24",
                                              "172.16.3.1/24/24",
                                              "1.2.3.4.5/24",
                                              "1..3.4/24",
                                              "1.2.3./24",
                                              ".1.2.3/24",
                                              "0x7f.1.1.1/24",
                                              "::1/64",
                                              "/24",
                                              "",
                                              std::string("172.16.3.1/24\0", 14),
                                              std::string(300, '1') + "/24"};
  for (const std::string& bad : bad_texts) {
    EXPECT_FALSE(ParseCidr(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParseAddress("10.200.0.1"), 0x0ac80001U);
  EXPECT_FALSE(ParseAddress("10.200.0.1/16").has_value());
  EXPECT_FALSE(ParseAddress("10.200.0").has_value());
}

TEST(Ipv4, MasksNetworksAndBroadcasts) {
  EXPECT_EQ(PrefixMask(0), 0U);
  EXPECT_EQ(PrefixMask(12), 0xfff00000U);
  EXPECT_EQ(PrefixMask(32), 0xffffffffU);
  EXPECT_EQ(NetworkOf(P("172.16.5.77/24")), P("172.16.5.0/24"));
  EXPECT_EQ(FormatAddress(BroadcastOf(P("172.16.5.1/24"))), "172.16.5.255");
  EXPECT_EQ(FormatAddress(BroadcastOf(P("10.200.0.1/16"))), "10.200.255.255");
}

TEST(Ipv4, OverlapAndContainment) {
  EXPECT_TRUE(Overlaps(P("172.16.0.0/12"), P("172.20.1.0/24")));
  EXPECT_TRUE(Overlaps(P("172.20.1.0/24"), P("172.16.0.0/12")));
  EXPECT_FALSE(Overlaps(P("172.16.1.0/24"), P("172.16.2.0/24")));
  EXPECT_TRUE(Overlaps(P("172.16.30.0/23"), P("172.16.31.1/24")));
  EXPECT_TRUE(Overlaps(P("0.0.0.0/0"), P("10.0.0.0/8")));
  EXPECT_TRUE(Contains(P("172.16.0.0/12"), P("172.31.255.0/24")));
  EXPECT_FALSE(Contains(P("172.16.0.0/12"), P("172.32.0.0/24")));
  EXPECT_FALSE(Contains(P("172.16.1.0/24"), P("172.16.0.0/16")));
}

// The rules `config`, `up` and the helper share: a network address, /16../24.
TEST(Ipv4, SubnetRules) {
  EXPECT_EQ(CheckSubnet(P("172.20.0.0/24")), "");
  EXPECT_EQ(CheckSubnet(P("10.200.0.0/16")), "");
  EXPECT_EQ(CheckSubnet(P("10.0.0.0/8")),
            "subnet 10.0.0.0/8 is larger than a /16 (the prefix must be 16..24)");
  EXPECT_EQ(CheckSubnet(P("172.20.0.0/25")),
            "subnet 172.20.0.0/25 is smaller than a /24, which the DHCP range .10-.250 needs "
            "(the prefix must be 16..24)");
  EXPECT_EQ(CheckSubnet(P("10.1.2.0/16")),
            "subnet 10.1.2.0/16 is not a network address; did you mean 10.1.0.0/16?");
}

TEST(Ipv4, GatewayIsTheFirstHostAndDhcpUsesTenToTwoFifty) {
  EXPECT_EQ(GatewayOf(P("172.16.3.0/24")), P("172.16.3.1/24"));
  EXPECT_EQ(GatewayOf(P("10.200.0.0/16")), P("10.200.0.1/16"));
  EXPECT_EQ(CheckGateway(P("172.16.3.1/24")), "");
  EXPECT_EQ(CheckGateway(P("172.17.0.1/16")), "");
  EXPECT_NE(CheckGateway(P("172.16.3.1/25")).find("smaller than a /24"), std::string::npos);
  EXPECT_NE(CheckGateway(P("172.16.0.1/15")).find("larger than a /16"), std::string::npos);
  EXPECT_EQ(CheckGateway(P("172.16.3.2/24")),
            "the gateway must be the first host of the subnet: expected 172.16.3.1/24, got "
            "172.16.3.2/24");
  EXPECT_NE(CheckGateway(P("172.16.3.0/24")), "");
  EXPECT_NE(CheckGateway(P("172.16.3.1/23")), "");  // not aligned: .2.1 is the first host
  EXPECT_EQ(FormatAddress(FirstDhcpAddress(P("172.16.3.0/24"))), "172.16.3.10");
  EXPECT_EQ(FormatAddress(LastDhcpAddress(P("172.16.3.1/24"))), "172.16.3.250");
  EXPECT_EQ(FormatAddress(LastDhcpAddress(P("10.200.0.0/16"))), "10.200.0.250");
}

TEST(Ipv4, FormatList) {
  EXPECT_EQ(FormatList({P("172.16.0.0/12"), P("10.200.0.0/16")}), "172.16.0.0/12, 10.200.0.0/16");
  EXPECT_EQ(FormatList({}), "");
}

}  // namespace
}  // namespace qc::ipv4
