// Named volume disks (ext4 on a qcow2, made without root) and the guest
// mount entries the seed gets for a VM's volumes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "volumes/guest_mounts.h"
#include "volumes/volume_disk.h"

namespace qc::volumes {
namespace {

compose::VolumeMount Mount(std::string source, bool named, std::string target) {
  compose::VolumeMount m;
  m.source = std::move(source);
  m.named = named;
  m.target = std::move(target);
  return m;
}

TEST(GuestMounts, NamedVolumesByIdAndSharesByTagAllNofail) {
  compose::Vm vm;
  vm.mounts.push_back(Mount("data", true, "/srv/data"));
  compose::VolumeMount site = Mount("/home/u/p/site", false, "/srv/site");
  site.read_only = true;
  site.mount_options = "noatime";
  vm.mounts.push_back(site);
  compose::VolumeMount scripts = Mount("/home/u/p/scripts", false, "/opt/scripts");
  scripts.automount = false;  // attached as qc:share1, not mounted
  vm.mounts.push_back(scripts);
  vm.mounts.push_back(Mount("/home/u/p/cache", false, "/var/cache/app"));
  vm.mounts.push_back(Mount("logs", true, ""));  // attach only
  EXPECT_EQ(GuestMounts(vm, false),
            (std::vector<MountEntry>{
                {"/dev/disk/by-id/virtio-data", "/srv/data", "ext4", "defaults,nofail", "0", "2"},
                {"qc:share0", "/srv/site", "virtiofs", "defaults,nofail,ro,noatime", "0", "0"},
                {"qc:share2", "/var/cache/app", "virtiofs", "defaults,nofail", "0", "0"}}));
  EXPECT_EQ(GuestMounts(vm, true)[1],
            (MountEntry{"qc:share0", "/srv/site", "9p",
                        "trans=virtio,version=9p2000.L,defaults,nofail,ro,noatime", "0", "0"}));
}

class VolumeDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "qc-vol-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    layout_.root = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(layout_.root); }
  state::Layout layout_;
};

TEST_F(VolumeDisk, MadeOnceAsSparseExt4Qcow2) {
  compose::Volume vol;
  vol.name = "pg_data";
  vol.size_bytes = std::uint64_t{2} << 30;
  bool created = false;
  std::string error;
  ASSERT_TRUE(EnsureVolumeDisk(layout_, vol, &created, &error)) << error;
  EXPECT_TRUE(created);
  const std::string path = VolumeDiskPath(layout_, "pg_data");
  EXPECT_EQ(QcowVirtualSize(path), vol.size_bytes);
  EXPECT_LT(std::filesystem::file_size(path), std::uintmax_t{16} << 20);  // sparse
  EXPECT_EQ(ExistingVolumes(layout_), std::vector<std::string>{"pg_data"});
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(VolumesDir(layout_)),
                          std::filesystem::directory_iterator()),
            1);
  // The file system is there: e2fsck reads it through qemu-img's raw copy.
  const std::string raw = layout_.root + "/check.raw";
  ASSERT_EQ(std::system(("qemu-img convert -f qcow2 -O raw " + path + " " + raw).c_str()), 0);
  EXPECT_EQ(std::system(("/usr/sbin/e2fsck -fn " + raw + " >/dev/null 2>&1").c_str()), 0);
  // A second up finds it and leaves it alone.
  ASSERT_TRUE(EnsureVolumeDisk(layout_, vol, &created, &error)) << error;
  EXPECT_FALSE(created);
}

TEST_F(VolumeDisk, AFailedMkfsLeavesNothing) {
  compose::Volume vol;
  vol.name = "tiny";
  vol.size_bytes = 4096;  // too small for ext4 (config refuses it; the disk code must cope)
  bool created = true;
  std::string error;
  EXPECT_FALSE(EnsureVolumeDisk(layout_, vol, &created, &error));
  EXPECT_FALSE(created);
  EXPECT_NE(error.find("mke2fs"), std::string::npos) << error;
  EXPECT_TRUE(ExistingVolumes(layout_).empty());
  EXPECT_TRUE(std::filesystem::is_empty(VolumesDir(layout_)));
}

}  // namespace
}  // namespace qc::volumes
