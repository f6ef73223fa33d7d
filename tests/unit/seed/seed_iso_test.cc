// Writing the cidata ISO: a real ISO 9660 volume labelled "cidata", the
// same bytes for the same content, rewritten only when the content changes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "seed/seed_iso.h"

namespace qc::seed {
namespace {

namespace fs = std::filesystem;

class SeedIso : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qc-seed-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  static SeedFiles Files(const std::string& host) {
    SeedInput in;
    in.vm = host;
    in.project = "p";
    in.login_user = "alice";
    in.public_key = "ssh-ed25519 AAAA k";
    in.macs = {"52:54:00:00:00:01"};
    SeedFiles f;
    std::string error;
    EXPECT_TRUE(BuildSeedFiles(in, &f, &error)) << error;
    return f;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string root_;
};

TEST_F(SeedIso, IsAnIso9660VolumeNamedCidataWithTheFiles) {
  bool changed = false;
  std::string error;
  ASSERT_TRUE(WriteSeedIso(Files("a"), root_, &changed, &error)) << error;
  EXPECT_TRUE(changed);
  std::string iso = Read(SeedIsoPath(root_));
  // Primary volume descriptor at sector 16: type 1, "CD001", volume id at 40.
  ASSERT_GT(iso.size(), 32768U + 72U);
  EXPECT_EQ(iso.substr(32768, 6), std::string("\x01"
                                              "CD001",
                                              6));
  EXPECT_EQ(iso.substr(32768 + 40, 6), "cidata");
  // Rock Ridge keeps the dashed lower-case names cloud-init looks for.
  EXPECT_NE(iso.find("network-config"), std::string::npos);
  EXPECT_NE(iso.find("meta-data"), std::string::npos);
  EXPECT_EQ(Read(SeedDir(root_) + "/user-data"), Files("a").user_data);
}

TEST_F(SeedIso, SameContentSameBytesAndNoRewrite) {
  std::string error;
  bool changed = false;
  ASSERT_TRUE(WriteSeedIso(Files("a"), root_ + "/one", &changed, &error)) << error;
  ASSERT_TRUE(WriteSeedIso(Files("a"), root_ + "/two", &changed, &error)) << error;
  EXPECT_EQ(Read(SeedIsoPath(root_ + "/one")), Read(SeedIsoPath(root_ + "/two")));

  struct stat before {};
  ASSERT_EQ(stat(SeedIsoPath(root_ + "/one").c_str(), &before), 0);
  ASSERT_TRUE(WriteSeedIso(Files("a"), root_ + "/one", &changed, &error)) << error;
  EXPECT_FALSE(changed);
  struct stat after {};
  ASSERT_EQ(stat(SeedIsoPath(root_ + "/one").c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);

  ASSERT_TRUE(WriteSeedIso(Files("b"), root_ + "/one", &changed, &error)) << error;
  EXPECT_TRUE(changed);
  EXPECT_NE(Read(SeedIsoPath(root_ + "/one")), Read(SeedIsoPath(root_ + "/two")));
}

TEST_F(SeedIso, MissingIsoIsRebuiltEvenIfTheFilesMatch) {
  std::string error;
  bool changed = false;
  ASSERT_TRUE(WriteSeedIso(Files("a"), root_, &changed, &error)) << error;
  fs::remove(SeedIsoPath(root_));
  ASSERT_TRUE(WriteSeedIso(Files("a"), root_, &changed, &error)) << error;
  EXPECT_TRUE(changed);
  EXPECT_TRUE(fs::exists(SeedIsoPath(root_)));
}

}  // namespace
}  // namespace qc::seed
