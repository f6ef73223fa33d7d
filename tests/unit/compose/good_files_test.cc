// Original-style compose files load into the model a user would expect:
// defaults filled in, paths absolute, sizes in bytes, references kept.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace qc::compose {
namespace {

const std::string kFixtures = QC_COMPOSE_FIXTURES;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

testing::LoadResult LoadGood(const std::string& name) {
  LoadOptions opts;
  opts.file = "good/" + name;
  opts.cwd = kFixtures;
  return testing::LoadWith(opts);
}

std::string GoodDir() {
  return std::filesystem::canonical(kFixtures + "/good").string();
}

TEST(GoodFiles, ThreeTierProjectOnOneAutoSubnetBridge) {
  const testing::LoadResult r = LoadGood("web_db_cache.yaml");
  ASSERT_TRUE(r.ok) << r.error;
  const Project& p = r.project;
  EXPECT_EQ(p.name, "good");  // the compose file's directory
  EXPECT_EQ(p.version, "1");
  EXPECT_EQ(p.compose_file, GoodDir() + "/web_db_cache.yaml");
  EXPECT_EQ(p.project_dir, GoodDir());
  ASSERT_EQ(p.vms.size(), 3U);

  const Vm& web = p.vms.at("web");
  EXPECT_EQ(web.image, GoodDir() + "/images/debian-12.qcow2");
  EXPECT_EQ(web.cpus, 2U);
  EXPECT_EQ(web.memory_mb, 2048U);  // a plain number is MiB
  EXPECT_EQ(web.disk.size_bytes, 10 * kGiB);
  EXPECT_EQ(web.networks, std::vector<std::string>{"backend"});
  EXPECT_EQ(web.volumes, std::vector<std::string>{"shared"});
  ASSERT_EQ(web.mounts.size(), 2U);
  EXPECT_TRUE(web.mounts[0].named);
  EXPECT_EQ(web.mounts[0].source, "shared");
  EXPECT_EQ(web.mounts[0].target, "/srv/shared");
  EXPECT_TRUE(web.mounts[0].read_only);
  EXPECT_FALSE(web.mounts[1].named);
  EXPECT_EQ(web.mounts[1].source, GoodDir() + "/site");
  EXPECT_EQ(web.mounts[1].target, "/var/www");
  EXPECT_FALSE(web.mounts[1].read_only);
  EXPECT_EQ(web.depends_on, (std::vector<std::string>{"db", "cache"}));
  EXPECT_TRUE(web.ports.empty());
  EXPECT_EQ(web.stop_grace_period_s, 30U);
  EXPECT_EQ(web.accel, "");

  const Vm& db = p.vms.at("db");
  EXPECT_EQ(db.memory_mb, 4096U);
  EXPECT_EQ(db.disk.size_bytes, 0U);  // the image's own size
  EXPECT_EQ(db.volumes, (std::vector<std::string>{"pgdata", "shared"}));

  const Vm& cache = p.vms.at("cache");
  EXPECT_EQ(cache.image, "/var/lib/images/alpine.qcow2");
  EXPECT_EQ(cache.cpus, 1U);  // default
  EXPECT_EQ(cache.memory_mb, 256U);

  ASSERT_EQ(p.networks.count("backend"), 1U);
  EXPECT_EQ(p.networks.at("backend").driver, "bridge");
  EXPECT_EQ(p.networks.at("backend").subnet, "auto");
  EXPECT_EQ(p.volumes.at("pgdata").size_bytes, 20 * kGiB);
  EXPECT_EQ(p.volumes.at("shared").size_bytes, 512 * kMiB);

  // db and cache have no dependencies (alphabetical), web needs both.
  EXPECT_EQ(p.start_order, (std::vector<std::string>{"cache", "db", "web"}));
  EXPECT_TRUE(r.warnings.empty());
}

TEST(GoodFiles, OriginalQemuComposeReadmeExampleLoads) {
  const testing::LoadResult r = LoadGood("original_readme.yaml");
  ASSERT_TRUE(r.ok) << r.error;
  const Project& p = r.project;
  EXPECT_EQ(p.vms.at("database").memory_mb, 4096U);  // MB, as the original meant
  EXPECT_EQ(p.vms.at("database").cpus, 4U);
  EXPECT_EQ(p.vms.at("web").disk.size_bytes, 8 * kGiB);
  EXPECT_EQ(p.vms.at("web").mounts.size(), 4U);
  EXPECT_EQ(p.vms.at("web").mounts[0].target, "/mnt");
  EXPECT_EQ(p.vms.at("web").depends_on, std::vector<std::string>{"database"});
  EXPECT_EQ(p.vms.at("tools").ports.size(), 1U);
  // The guest keys of the original: ssh port, provision, environment, healthcheck.
  EXPECT_EQ(p.vms.at("tools").guest.ssh_port, 2222);
  const auto& db = p.vms.at("database").guest;
  ASSERT_EQ(db.provision.size(), 1U);
  EXPECT_EQ(db.provision[0], "apt-get update\napt-get install -y postgresql\n");
  EXPECT_EQ(db.environment.size(), 2U);
  EXPECT_EQ(db.healthcheck.test, (std::vector<std::string>{"CMD", "pg_isready"}));
  EXPECT_EQ(db.healthcheck.interval_s, 10U);
}

TEST(GoodFiles, VolumesInShortAndLongForm) {
  const testing::LoadResult r = LoadGood("volume_forms.yaml");
  ASSERT_TRUE(r.ok) << r.error;
  const Vm& db = r.project.vms.at("database");
  EXPECT_EQ(db.volumes, (std::vector<std::string>{"postgres_data", "app_data"}));
  ASSERT_EQ(db.mounts.size(), 5U);
  const VolumeMount& pg = db.mounts[0];
  EXPECT_TRUE(pg.named);
  EXPECT_EQ(pg.target, "/var/lib/postgresql/data");
  EXPECT_FALSE(pg.read_only);
  EXPECT_TRUE(pg.automount);
  const VolumeMount& app = db.mounts[1];
  EXPECT_TRUE(app.named);
  EXPECT_EQ(app.target, "/mnt/shared");  // trailing slash dropped
  EXPECT_TRUE(app.read_only);
  const VolumeMount& config = db.mounts[2];
  EXPECT_FALSE(config.named);
  EXPECT_EQ(config.source, GoodDir() + "/config");
  EXPECT_TRUE(config.read_only);
  const VolumeMount& scripts = db.mounts[3];
  EXPECT_FALSE(scripts.named);
  EXPECT_FALSE(scripts.automount);
  const VolumeMount& cache = db.mounts[4];
  EXPECT_FALSE(cache.named);  // type: bind makes "cache" a relative path
  EXPECT_EQ(cache.source, GoodDir() + "/cache");
  EXPECT_EQ(cache.mount_options, "cache=auto,noatime");
  EXPECT_EQ(r.project.volumes.at("app_data").size_bytes, 10 * kGiB);  // default
  const Vm& reader = r.project.vms.at("reader");
  ASSERT_EQ(reader.mounts.size(), 1U);
  EXPECT_TRUE(reader.mounts[0].read_only);
}

TEST(GoodFiles, FixedSubnetAndUrlImage) {
  const testing::LoadResult r = LoadGood("fixed_subnet.yaml");
  ASSERT_TRUE(r.ok) << r.error;
  const Project& p = r.project;
  EXPECT_EQ(p.networks.at("lan").subnet, "172.20.0.0/24");
  const Vm& router = p.vms.at("router");
  EXPECT_EQ(router.image,
            "https://cloud.debian.org/images/cloud/bookworm/latest/"
            "debian-12-genericcloud-amd64.qcow2");  // URLs are not paths
  EXPECT_EQ(router.memory_mb, 1024U);
  EXPECT_EQ(router.disk.size_bytes, 8 * kGiB);
  const Vm& client = p.vms.at("client");
  EXPECT_EQ(client.image,
            std::filesystem::path(GoodDir()).parent_path().string() + "/shared/client.qcow2");
  EXPECT_EQ(client.memory_mb, 512U);  // default
  EXPECT_EQ(client.stop_grace_period_s, 90U);
  EXPECT_EQ(p.start_order, (std::vector<std::string>{"client", "router"}));
}

TEST(GoodFiles, DirectKernelBootWithUserModePorts) {
  const testing::LoadResult r = LoadGood("direct_boot.yaml");
  ASSERT_TRUE(r.ok) << r.error;
  const Project& p = r.project;
  EXPECT_EQ(p.name, "tiny");
  EXPECT_TRUE(p.networks.empty());
  const Vm& tools = p.vms.at("tools");
  EXPECT_EQ(tools.image, "");
  EXPECT_EQ(tools.kernel, GoodDir() + "/guest/vmlinuz");
  EXPECT_EQ(tools.initrd, GoodDir() + "/guest/initramfs.gz");
  EXPECT_EQ(tools.cmdline, "console=ttyS0 panic=-1");
  EXPECT_EQ(tools.accel, "tcg");
  EXPECT_TRUE(tools.networks.empty());
  ASSERT_EQ(tools.ports.size(), 2U);
  EXPECT_EQ(tools.ports[0].host, 8080);
  EXPECT_EQ(tools.ports[0].guest, 80);
  EXPECT_EQ(tools.ports[0].protocol, "tcp");
  EXPECT_EQ(tools.ports[1].host, 5353);
  EXPECT_EQ(tools.ports[1].guest, 53);
  EXPECT_EQ(tools.ports[1].protocol, "udp");
  EXPECT_EQ(tools.stop_grace_period_s, 10U);
}

TEST(GoodFiles, AnchorsAndMergeKeys) {
  const testing::LoadResult r = LoadGood("anchors.yaml");
  ASSERT_TRUE(r.ok) << r.error;
  const Vm& a = r.project.vms.at("a");
  const Vm& b = r.project.vms.at("b");
  EXPECT_EQ(a.kernel, "/opt/guest/vmlinuz");
  EXPECT_EQ(a.memory_mb, 256U);
  EXPECT_EQ(a.cmdline, "console=ttyS0 qc.hostname=a");
  EXPECT_EQ(b.initrd, "/opt/guest/initramfs.gz");
  EXPECT_EQ(b.memory_mb, 1024U);  // the VM's own key wins over the merged one
  EXPECT_EQ(b.networks, std::vector<std::string>{"backend"});
}

TEST(GoodFiles, BundledDemoExampleLoads) {
  LoadOptions opts;
  opts.file = std::string(QC_EXAMPLES_DIR) + "/demo/qemu-compose.yaml";
  opts.cwd = "/";
  opts.env = {{"QC_GUEST_DIR", "/opt/guest"}};
  // The example is part of the product (quickstart runs it): its absence is
  // a failure, not a reason to skip.
  ASSERT_TRUE(std::filesystem::exists(opts.file))
      << "the bundled example is missing: " << opts.file;
  const testing::LoadResult r = testing::LoadWith(opts);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.name, "demo");
  EXPECT_EQ(r.project.vms.at("web").kernel, "/opt/guest/vmlinuz");
  EXPECT_EQ(r.project.vms.at("web").accel, "tcg");  // ${QEMU_COMPOSE_ACCEL:-tcg}
  EXPECT_TRUE(r.warnings.empty());
}

TEST(GoodFiles, ImageUrlsAreNormalisedAndDigestsLowercased) {
  const testing::LoadResult r = LoadGood("image_url.yaml");
  ASSERT_TRUE(r.ok) << r.error;
  const Vm& web = r.project.vms.at("web");
  EXPECT_EQ(web.image,
            "https://cloud.debian.org/images/cloud/bookworm/latest/"
            "debian-12-genericcloud-amd64.qcow2");
  EXPECT_EQ(
      web.image_digest,
      "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
      "0123456789abcdef0123456789abcdef0123456789abcdef");
  const Vm& db = r.project.vms.at("db");
  EXPECT_EQ(db.image, GoodDir() + "/disk.raw");  // a path stays a path, made absolute
  EXPECT_EQ(db.image_digest, "");
}

}  // namespace
}  // namespace qc::compose
