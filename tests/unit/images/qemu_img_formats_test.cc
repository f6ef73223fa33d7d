// The checks against images made by the real qemu-img (qemu-utils): what
// QEMU writes for a backing file, an external data file or a vmdk must be
// refused by our header reading, and a plain image must also pass
// qemu-img info's second look (run under the launcher's limits).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "images/image_inspect.h"

namespace qc::images {
namespace {

class QemuImgFormats : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v qemu-img >/dev/null") != 0) {
      GTEST_SKIP() << "qemu-img (qemu-utils) is not installed";
    }
    char tmpl[] = "/tmp/qc-imgfmt-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }
  // qemu-img create [options] NAME SIZE, in the scratch directory.
  std::string Make(const std::string& options, const std::string& name, const std::string& size) {
    std::string cmd = "cd " + dir_ + " && qemu-img create -q " + options + " " + name + " " + size +
                      " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return dir_ + "/" + name;
  }
  std::string Verdict(const std::string& path) {
    ImageFacts facts;
    std::string reason;
    return InspectImage(path, &facts, &reason) ? "accepted " + facts.format : reason;
  }
  std::string dir_;
};

TEST_F(QemuImgFormats, PlainQcow2AndRawPass) {
  EXPECT_EQ(Verdict(Make("-f qcow2", "a.qcow2", "64M")), "accepted qcow2");
  EXPECT_EQ(Verdict(Make("-f raw", "a.raw", "1M")), "accepted raw");
}

TEST_F(QemuImgFormats, BackingFileIsRefused) {
  std::string base = Make("-f raw", "base.raw", "1M");
  std::string overlay = Make("-f qcow2 -F raw -b " + base, "overlay.qcow2", "");
  EXPECT_EQ(Verdict(overlay), "has a backing file '" + base + "' (images must be self-contained)");
}

TEST_F(QemuImgFormats, ExternalDataFileIsRefused) {
  std::string image = Make("-f qcow2 -o data_file=data.raw", "ext.qcow2", "1M");
  EXPECT_EQ(Verdict(image), "has an external data file 'data.raw' (images must be self-contained)");
}

TEST_F(QemuImgFormats, VmdkIsRefused) {
  EXPECT_EQ(Verdict(Make("-f vmdk", "a.vmdk", "1M")),
            "is in the vmdk format; only qcow2 and raw are accepted");
  EXPECT_EQ(Verdict(Make("-f vmdk -o subformat=monolithicFlat", "flat.vmdk", "1M")),
            "is in the vmdk (descriptor) format; only qcow2 and raw are accepted");
}

TEST_F(QemuImgFormats, OverlayBackingIsReadBack) {
  std::string base = Make("-f raw", "base.raw", "1M");
  std::string overlay = Make("-f qcow2 -F raw -b " + base, "overlay.qcow2", "");
  EXPECT_EQ(Qcow2BackingFile(overlay), base);
  EXPECT_EQ(Qcow2BackingFile(base), "");
}

}  // namespace
}  // namespace qc::images
