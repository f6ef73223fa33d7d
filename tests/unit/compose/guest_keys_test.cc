// The guest keys of a cloud-image VM: what they load into, and that
// `config` prints them so that they load back the same.
#include <gtest/gtest.h>

#include "compose/loader.h"
#include "test_util.h"

namespace qc::compose {
namespace {

const std::string kFixtures = QC_COMPOSE_FIXTURES;

testing::LoadResult LoadCloudGuest() {
  LoadOptions opts;
  opts.file = "good/cloud_guest.yaml";
  opts.cwd = kFixtures;
  return testing::LoadWith(opts);
}

TEST(GuestKeys, EveryKeyLoads) {
  const testing::LoadResult r = LoadCloudGuest();
  ASSERT_TRUE(r.ok) << r.error;
  const GuestConfig& g = r.project.vms.at("app").guest;
  EXPECT_EQ(g.user, "deploy");
  EXPECT_TRUE(g.user_data_file.ends_with("/good/cloud/user-data.yaml")) << g.user_data_file;
  EXPECT_EQ(g.user_data, "#cloud-config\npackages: [curl]\n");
  ASSERT_EQ(g.provision.size(), 2U);
  EXPECT_EQ(g.provision[0], "echo \"$HOME\" > /root/first");  // "$$" is a literal "$"
  EXPECT_EQ(g.provision[1], "touch /root/second");
  ASSERT_EQ(g.environment.size(), 2U);
  EXPECT_EQ(g.environment[0], (std::pair<std::string, std::string>{"GREETING", "hello world"}));
  EXPECT_EQ(g.environment[1], (std::pair<std::string, std::string>{"EMPTY", ""}));
  EXPECT_EQ(g.firmware, "uefi");
  EXPECT_EQ(g.ssh_port, 2299);
  EXPECT_EQ(g.healthcheck.test, (std::vector<std::string>{"CMD", "systemctl", "is-active", "ssh"}));
  EXPECT_EQ(g.healthcheck.interval_s, 5U);
  EXPECT_EQ(g.healthcheck.timeout_s, 3U);
  EXPECT_EQ(g.healthcheck.retries, 5U);
  EXPECT_EQ(g.healthcheck.start_period_s, 60U);

  const GuestConfig& w = r.project.vms.at("worker").guest;
  EXPECT_EQ(w.user, "");  // the invoking user, decided at `up`
  EXPECT_EQ(w.firmware, "bios");
  EXPECT_EQ(w.environment[1], (std::pair<std::string, std::string>{"EQ", "a=b"}));
  EXPECT_EQ(w.healthcheck.test, (std::vector<std::string>{"CMD-SHELL", "curl -fs localhost"}));
  EXPECT_EQ(w.healthcheck.interval_s, 30U);  // docker's defaults
  EXPECT_EQ(w.healthcheck.retries, 3U);
}

TEST(GuestKeys, ConfigOutputLoadsBackTheSame) {
  const testing::LoadResult r = LoadCloudGuest();
  ASSERT_TRUE(r.ok) << r.error;
  testing::ScratchDir dir;
  // Paths in the output are absolute, so it loads from anywhere.
  const testing::LoadResult again = testing::LoadYaml(dir, RenderConfig(r.project, false));
  ASSERT_TRUE(again.ok) << again.error << "\n" << RenderConfig(r.project, false);
  for (const char* vm : {"app", "worker"}) {
    const GuestConfig& a = r.project.vms.at(vm).guest;
    const GuestConfig& b = again.project.vms.at(vm).guest;
    EXPECT_EQ(a.user, b.user);
    EXPECT_EQ(a.user_data, b.user_data);
    EXPECT_EQ(a.provision, b.provision);
    EXPECT_EQ(a.environment, b.environment);
    EXPECT_EQ(a.ssh_port, b.ssh_port);
    EXPECT_EQ(a.firmware, b.firmware);
    EXPECT_EQ(a.healthcheck.test, b.healthcheck.test);
    EXPECT_EQ(a.healthcheck.start_period_s, b.healthcheck.start_period_s);
  }
}

TEST(GuestKeys, UserDataCloudInitWouldIgnoreIsRefusedWithItsPath) {
  testing::ScratchDir dir;
  dir.Write("plain.txt", "packages: [curl]\n");
  const testing::LoadResult r = testing::LoadYaml(
      dir, "vms:\n  web:\n    image: d.qcow2\n    cloud_init: {user_data: plain.txt}\n");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find(":4:29: vm 'web': cloud_init: user_data: '" + dir.path().string() +
                         "/plain.txt' must start with #cloud-config"),
            std::string::npos)
      << r.error;
}

TEST(GuestKeys, MissingUserDataFileIsAnError) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(
      dir, "vms:\n  web:\n    image: d.qcow2\n    cloud_init: {user_data: nope.yaml}\n");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("cannot read '" + dir.path().string() + "/nope.yaml'"), std::string::npos)
      << r.error;
}

TEST(GuestKeys, UserDataDigestPinsTheContentAndConfigShowsIt) {
  testing::ScratchDir dir;
  dir.Write("ud", "#cloud-config\n");
  testing::LoadResult r =
      testing::LoadYaml(dir, "vms:\n  web:\n    image: d.qcow2\n    cloud_init: {user_data: ud}\n");
  ASSERT_TRUE(r.ok) << r.error;
  const std::string actual = r.project.vms.at("web").guest.user_data_digest;
  // sha256sum of the file's bytes
  EXPECT_EQ(actual, "sha256:88c95955b024402aa9572b663f7eeb134f01343bb92af27b50e97e72b22c565f");
  EXPECT_NE(RenderConfig(r.project, false).find("user_data_digest: \"" + actual + "\""),
            std::string::npos)
      << RenderConfig(r.project, false);

  r = testing::LoadYaml(dir,
                        "vms:\n  web:\n    image: d.qcow2\n    cloud_init: {user_data: ud, "
                        "user_data_digest: " +
                            actual + "}\n");
  EXPECT_TRUE(r.ok) << r.error;
  dir.Write("ud", "#cloud-config\npackages: [curl]\n");
  r = testing::LoadYaml(dir,
                        "vms:\n  web:\n    image: d.qcow2\n    cloud_init: {user_data: ud, "
                        "user_data_digest: " +
                            actual + "}\n");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("not the user_data_digest " + actual), std::string::npos) << r.error;
}

TEST(GuestKeys, DisabledHealthcheckIsNone) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(
      dir,
      "vms:\n  a:\n    image: d.qcow2\n    healthcheck: {test: [NONE]}\n"
      "  b:\n    image: d.qcow2\n    healthcheck: {test: \"true\", disable: true}\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.project.vms.at("a").guest.healthcheck.enabled());
  EXPECT_FALSE(r.project.vms.at("b").guest.healthcheck.enabled());
}

}  // namespace
}  // namespace qc::compose
