// The shipped /etc/qemu-compose/netd.conf (etc/netd.conf) shows every
// setting commented out at its default: uncommenting them all must parse
// and change nothing, and so must the file as shipped.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "policy.h"

namespace qc::netd {
namespace {

std::string Shipped() {
  std::ifstream in(QC_NETD_CONF);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "#key = value" lines are settings; "# text" lines are prose.
std::string Uncommented(const std::string& text, std::set<std::string>* keys) {
  static const std::regex kSetting(R"(^#([a-z_]+(\[[^\]]+\])?) *= *(.*)$)");
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, kSetting)) {
      keys->insert(m[1]);
      line = line.substr(1);
    }
    out += line + "\n";
  }
  return out;
}

void ExpectDefaults(const Policy& p) {
  const Policy d;
  EXPECT_EQ(p.allow_users, d.allow_users);
  EXPECT_EQ(p.allow_groups, d.allow_groups);
  EXPECT_EQ(p.pools, d.pools);
  EXPECT_EQ(p.quotas.max_bridges, d.quotas.max_bridges);
  EXPECT_EQ(p.quotas.max_taps, d.quotas.max_taps);
  EXPECT_EQ(p.quotas.max_dnsmasq, d.quotas.max_dnsmasq);
  EXPECT_TRUE(p.per_user.empty());
}

TEST(ShippedNetdConf, AsShippedItMeansTheDefaults) {
  Policy p;
  std::string err;
  ASSERT_FALSE(Shipped().empty()) << QC_NETD_CONF;
  ASSERT_TRUE(ParsePolicy(Shipped(), &p, &err)) << err;
  ExpectDefaults(p);
}

TEST(ShippedNetdConf, EverySettingUncommentedIsItsDefault) {
  std::set<std::string> keys;
  const std::string text = Uncommented(Shipped(), &keys);
  Policy p;
  std::string err;
  ASSERT_TRUE(ParsePolicy(text, &p, &err)) << err << "\n" << text;
  ExpectDefaults(p);
  // Every setting that has a default is there (allow_* have none: no line
  // means everyone; the file shows them as examples in the prose).
  EXPECT_EQ(keys, (std::set<std::string>{"pool", "max_bridges", "max_taps", "max_dnsmasq"}));
}

TEST(ShippedNetdConf, ItsExamplesParse) {
  Policy p;
  std::string err;
  ASSERT_TRUE(
      ParsePolicy("allow_users  = alice, bob, 1001\nallow_groups = qemu-compose\n"
                  "max_taps[alice] = 128\n",
                  &p, &err))
      << err;
  EXPECT_NE(Shipped().find("allow_users  = alice, bob, 1001"), std::string::npos);
  EXPECT_NE(Shipped().find("allow_groups = qemu-compose"), std::string::npos);
  EXPECT_NE(Shipped().find("max_taps[alice] = 128"), std::string::npos);
}

}  // namespace
}  // namespace qc::netd
