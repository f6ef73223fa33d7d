// What `subnet: auto` must avoid, read from the kernel. (The choice itself,
// ipv4::FirstFreeSubnet, is tested with the other IPv4 rules in
// tests/unit/helper/ipv4_test.cc.)
#include "naming/host_networks.h"

#include <gtest/gtest.h>

namespace qc::naming {
namespace {

TEST(HostNetworks, ReadsTheHostTable) {
  std::vector<ipv4::Cidr> nets;
  std::string err;
  ASSERT_TRUE(ReadHostNetworks(&nets, &err)) << err;
  // Every namespace has loopback (127.0.0.0/8 via the local table).
  bool has_loopback = false;
  for (const auto& n : nets) {
    has_loopback |= ipv4::Contains(n, {0x7f000001U, 32});
  }
  EXPECT_TRUE(has_loopback);
}

}  // namespace
}  // namespace qc::naming
