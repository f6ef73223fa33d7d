#include "policy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace qc::netd {
namespace {

TEST(HelperPolicy, DefaultsAreSafe) {
  Policy p;
  std::string err;
  ASSERT_TRUE(ParsePolicy("", &p, &err));
  ASSERT_EQ(p.pools.size(), 1U);
  EXPECT_EQ(ipv4::FormatCidr(p.pools[0]), "172.16.0.0/12");
  EXPECT_EQ(p.quotas.max_bridges, 8U);
  EXPECT_EQ(p.quotas.max_taps, 64U);
  EXPECT_EQ(p.quotas.max_dnsmasq, 8U);
  EXPECT_TRUE(CallerAllowed(p, Caller{1234, "anyone", {1234}, {"anyone"}}));
}

TEST(HelperPolicy, ParsesEveryKey) {
  Policy p;
  std::string err;
  ASSERT_TRUE(
      ParsePolicy("# site policy\n"
                  "allow_users = alice, 1001\n"
                  "allow_groups = netdev\n"
                  "pool = 10.200.0.0/16   # lab\n"
                  "pool = 192.168.100.0/22\n"
                  "max_bridges = 2\n"
                  "max_taps = 5\n"
                  "max_dnsmasq = 1\n"
                  "max_taps[bob] = 50\n",
                  &p, &err))
      << err;
  ASSERT_EQ(p.pools.size(), 2U);
  EXPECT_EQ(ipv4::FormatCidr(p.pools[1]), "192.168.100.0/22");
  EXPECT_TRUE(CallerAllowed(p, Caller{2000, "alice", {2000}, {"alice"}}));
  EXPECT_TRUE(CallerAllowed(p, Caller{1001, "", {1001}, {}}));
  EXPECT_TRUE(CallerAllowed(p, Caller{3000, "carol", {3000, 44}, {"carol", "netdev"}}));
  EXPECT_FALSE(CallerAllowed(p, Caller{1000, "bob", {1000}, {"bob"}}));
  EXPECT_FALSE(CallerAllowed(p, Caller{10010, "mallory", {10010}, {"mallory"}}));
  Quotas bob = EffectiveQuotas(p, Caller{1000, "bob", {1000}, {"bob"}});
  EXPECT_EQ(bob.max_taps, 50U);
  EXPECT_EQ(bob.max_bridges, 2U);
  EXPECT_EQ(EffectiveQuotas(p, Caller{2000, "alice", {}, {}}).max_taps, 5U);
}

TEST(HelperPolicy, BadLinesNameTheProblem) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c :
       {Case{"max_bridges = lots\n", "line 1: max_bridges needs a number"},
        Case{"\nfoo = 1\n", "line 2: unknown key 'foo'"},
        Case{"pool = 172.16.0.1/12\n", "host bits"}, Case{"pool = 172.16.0.0\n", "pool:"},
        Case{"allow_users = a b\n", "allow_users needs"},
        Case{"allow_users = a,,b\n", "allow_users needs"},
        Case{"just words\n", "expected 'key = value'"},
        Case{"pool[bob] = 10.0.0.0/8\n", "only max_* keys"}, Case{"max_taps[ = 3\n", "key[user]"},
        Case{"max_taps = -1\n", "needs a number"}}) {
    Policy p;
    std::string err;
    EXPECT_FALSE(ParsePolicy(c.text, &p, &err)) << c.text;
    EXPECT_NE(err.find(c.says), std::string::npos) << c.text << " -> " << err;
  }
}

TEST(HelperPolicy, FileMustBeRootOwnedAndNotWritableByOthers) {
  char dir[] = "/tmp/qc-policy-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/netd.conf";
  Policy p;
  std::string err;
  ASSERT_TRUE(LoadPolicyFile(path, &p, &err)) << err;  // missing: defaults
  EXPECT_EQ(p.quotas.max_bridges, 8U);
  std::ofstream(path) << "max_bridges = 3\n";
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  if (geteuid() == 0) {
    ASSERT_TRUE(LoadPolicyFile(path, &p, &err)) << err;
    EXPECT_EQ(p.quotas.max_bridges, 3U);
    ASSERT_EQ(chmod(path.c_str(), 0664), 0);
    EXPECT_FALSE(LoadPolicyFile(path, &p, &err));
    EXPECT_NE(err.find("must be owned by root and not group- or world-writable"),
              std::string::npos);
    ASSERT_EQ(chmod(path.c_str(), 0646), 0);
    EXPECT_FALSE(LoadPolicyFile(path, &p, &err));
    ASSERT_EQ(chmod(path.c_str(), 0644), 0);
    ASSERT_EQ(chown(path.c_str(), 1, 1), 0);
    EXPECT_FALSE(LoadPolicyFile(path, &p, &err));
  } else {
    EXPECT_FALSE(LoadPolicyFile(path, &p, &err));  // owned by us, not root
  }
  std::ofstream(path) << "bogus\n";
  std::string link = std::string(dir) + "/link.conf";
  ASSERT_EQ(symlink(path.c_str(), link.c_str()), 0);
  EXPECT_FALSE(LoadPolicyFile(link, &p, &err));  // symlinks are not followed
  EXPECT_FALSE(LoadPolicyFile(dir, &p, &err));   // not a regular file
  unlink(link.c_str());
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace qc::netd
