// Named volume disks (ext4 on a qcow2, made without root) and the guest
// mount entries the seed gets for a VM's volumes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

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
  // Makes (or grows) volume `name` of `size` bytes; false + error_ on failure.
  bool Ensure(const std::string& name, std::uint64_t size, const std::string& busy = "") {
    compose::Volume vol;
    vol.name = name;
    vol.size_bytes = size;
    return EnsureVolumeDisk(layout_, vol, busy, &change_, &error_);
  }
  // A raw copy of a qcow2 disk in the test directory, for e2fsprogs.
  std::string RawCopy(const std::string& disk) {
    const std::string raw = layout_.root + "/copy" + std::to_string(copies_++) + ".raw";
    EXPECT_EQ(std::system(("qemu-img convert -f qcow2 -O raw " + disk + " " + raw).c_str()), 0);
    return raw;
  }
  long FilesInVolumesDir() const {
    return std::distance(std::filesystem::directory_iterator(VolumesDir(layout_)),
                         std::filesystem::directory_iterator());
  }
  int copies_ = 0;
  state::Layout layout_;
  DiskChange change_ = DiskChange::kNone;
  std::string error_;
};

TEST_F(VolumeDisk, MadeOnceAsSparseExt4Qcow2) {
  const std::uint64_t size = std::uint64_t{2} << 30;
  ASSERT_TRUE(Ensure("pg_data", size)) << error_;
  EXPECT_EQ(change_, DiskChange::kCreated);
  const std::string path = VolumeDiskPath(layout_, "pg_data");
  EXPECT_EQ(QcowVirtualSize(path), size);
  EXPECT_LT(std::filesystem::file_size(path), std::uintmax_t{16} << 20);  // sparse
  EXPECT_EQ(ExistingVolumes(layout_), std::vector<std::string>{"pg_data"});
  EXPECT_EQ(FilesInVolumesDir(), 1) << "a temporary file was left beside the disk";
  // The file system is there: e2fsck reads it through qemu-img's raw copy.
  EXPECT_EQ(std::system(("/usr/sbin/e2fsck -fn " + RawCopy(path) + " >/dev/null 2>&1").c_str()), 0);
  // A second up finds it and leaves it alone.
  ASSERT_TRUE(Ensure("pg_data", size)) << error_;
  EXPECT_EQ(change_, DiskChange::kNone);
}

TEST_F(VolumeDisk, AFailedMkfsLeavesNothing) {
  change_ = DiskChange::kGrown;
  // Too small for ext4 (config refuses it; the disk code must cope).
  EXPECT_FALSE(Ensure("tiny", 4096));
  EXPECT_EQ(change_, DiskChange::kNone);
  EXPECT_NE(error_.find("mke2fs"), std::string::npos) << error_;
  EXPECT_TRUE(ExistingVolumes(layout_).empty());
  EXPECT_TRUE(std::filesystem::is_empty(VolumesDir(layout_)));
}

TEST_F(VolumeDisk, GrowsWithItsFileSystemAndKeepsTheData) {
  ASSERT_TRUE(Ensure("data", std::uint64_t{64} << 20)) << error_;
  const std::string path = VolumeDiskPath(layout_, "data");
  // A file on it, written with debugfs through a raw copy (no root, no VM).
  const std::string raw = RawCopy(path);
  ASSERT_EQ(std::system(("echo kept >" + layout_.root + "/kept.txt && /usr/sbin/debugfs -w -R " +
                         "'write " + layout_.root + "/kept.txt kept.txt' " + raw +
                         " >/dev/null 2>&1 && qemu-img convert -f raw -O qcow2 " + raw + " " + path)
                            .c_str()),
            0);

  const std::uint64_t bigger = std::uint64_t{256} << 20;
  // Not while a VM runs with it: the disk stays as it is.
  EXPECT_FALSE(Ensure("data", bigger, "web"));
  EXPECT_NE(error_.find("web"), std::string::npos) << error_;
  EXPECT_EQ(QcowVirtualSize(path), std::uint64_t{64} << 20);

  ASSERT_TRUE(Ensure("data", bigger)) << error_;
  EXPECT_EQ(change_, DiskChange::kGrown);
  EXPECT_EQ(QcowVirtualSize(path), bigger);
  EXPECT_EQ(FilesInVolumesDir(), 1) << "a temporary file was left beside the disk";
  const std::string grown = RawCopy(path);
  const std::string out = layout_.root + "/out.txt";
  (void)std::system(
      ("/usr/sbin/debugfs -R 'cat kept.txt' " + grown + " >" + out + " 2>/dev/null").c_str());
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "kept");
  // The file system fills the disk: 256 MiB of 1 KiB blocks.
  EXPECT_EQ(std::system(("/usr/sbin/dumpe2fs -h " + grown +
                         " 2>/dev/null | grep -q '^Block count: *262144$'")
                            .c_str()),
            0)
      << "ext4 was not grown with the disk";
}

TEST_F(VolumeDisk, NeverShrinks) {
  ASSERT_TRUE(Ensure("data", std::uint64_t{128} << 20)) << error_;
  EXPECT_FALSE(Ensure("data", std::uint64_t{64} << 20));
  EXPECT_NE(error_.find("never shrink"), std::string::npos) << error_;
  EXPECT_NE(error_.find("128.0 MiB"), std::string::npos) << error_;
  EXPECT_EQ(QcowVirtualSize(VolumeDiskPath(layout_, "data")), std::uint64_t{128} << 20);
}

}  // namespace
}  // namespace qc::volumes
