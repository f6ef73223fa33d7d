#include "naming/link_names.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace qc::naming {
namespace {

const std::regex kBridgeRe("qc-[a-z0-9-]{1,12}");
const std::regex kTapRe("tap-[a-z0-9-]{1,11}");

TEST(LinkNames, BridgeFitsIfnamsizAndHelperRules) {
  Owner o{1000, "/home/alice/projects/a-very-long-project-directory"};
  for (const std::string net : {"backend", "n", "Some_Long_Network_Name", "x.y z", "net-1"}) {
    std::string b = BridgeName(o, net);
    EXPECT_LE(b.size(), 15U) << b;
    EXPECT_TRUE(std::regex_match(b, kBridgeRe)) << b;
  }
}

TEST(LinkNames, TapFitsIfnamsizAndHelperRules) {
  Owner o{1000, "/srv/p"};
  for (const std::string vm : {"web", "database_primary", "A", "vm_1"}) {
    for (int i = 0; i < 3; ++i) {
      std::string t = TapName(o, vm, i);
      EXPECT_LE(t.size(), 15U) << t;
      EXPECT_TRUE(std::regex_match(t, kTapRe)) << t;
    }
  }
}

TEST(LinkNames, UnderscoreBecomesDashAndNameIsTruncated) {
  Owner o{1000, "/p"};
  std::string b = BridgeName(o, "db_net_long");
  EXPECT_EQ(b.substr(10), "db-ne");
  EXPECT_EQ(TapName(o, "my_vm", 0).substr(10), "my-vm");
}

TEST(LinkNames, StableForSameInputs) {
  Owner o{1000, "/p"};
  EXPECT_EQ(BridgeName(o, "backend"), BridgeName(o, "backend"));
  EXPECT_EQ(TapName(o, "web", 0), TapName(o, "web", 0));
}

TEST(LinkNames, NoCollisionAcrossUsersProjectsAndLookAlikeNames) {
  std::set<std::string> bridges, taps;
  int made = 0;
  for (uid_t uid : {1000U, 1001U}) {
    for (const std::string dir : {"/home/a/proj", "/home/b/proj", "/tmp/proj"}) {
      // Look-alikes that truncate to the same 5 chars.
      for (const std::string name : {"backend", "backend2", "backe", "back_end", "back-end"}) {
        bridges.insert(BridgeName({uid, dir}, name));
        for (int i = 0; i < 2; ++i) taps.insert(TapName({uid, dir}, name, i));
        ++made;
      }
    }
  }
  EXPECT_EQ(bridges.size(), static_cast<std::size_t>(made));
  EXPECT_EQ(taps.size(), static_cast<std::size_t>(made * 2));
}

TEST(MacAddress, ExactValuesFromMd5) {
  // md5("demo-web-0") = f855936a..., md5("demo-db-0") = 17222b7d...,
  // md5("demo-web-1") = 8407d72f... (computed with md5sum).
  EXPECT_EQ(MacAddress("demo", "web", 0), "52:54:00:f8:55:93");
  EXPECT_EQ(MacAddress("demo", "db", 0), "52:54:00:17:22:2b");
  EXPECT_EQ(MacAddress("demo", "web", 1), "52:54:00:84:07:d7");
}

}  // namespace
}  // namespace qc::naming
