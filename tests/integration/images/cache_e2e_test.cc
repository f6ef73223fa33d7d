// `up` with an image URL: pulls what is missing (`--pull always` asks the
// server again), boots from an overlay backed by the read-only cache entry
// (absolute path, format pinned), works offline once cached, and `image
// rm`/`prune` leave an image in use alone unless `rm --force`.
#include <nlohmann/json.hpp>

#include "images_fixture.h"

namespace qc::itest {
namespace {

constexpr int kUpTimeoutMs = 400 * 1000;  // TCG on a busy 2-core machine

class ImagesUp : public ImagesTest {
 protected:
  void SetUp() override {
    ImagesTest::SetUp();
    sha_ = server_.AddRandom("disk.raw", 1 << 20);
    url_ = ImageServer::Url("files/disk.raw");
    const Install& in = GetInstall();
    WriteFile(project_ + "/qemu-compose.yaml",
              // No image_digest: `--pull always` revalidates (a pinned image
              // is never asked for again).
              "name: imgup\nvms:\n  v:\n    image: " + url_ + "\n    kernel: " + in.guest_kernel +
                  "\n    initrd: " + in.guest_initrd +
                  "\n    cmdline: console=ttyS0 quiet panic=-1 qc.hostname=v\n"
                  "    accel: tcg\n    memory: 256M\n    stop_grace_period: 5s\n");
  }
  void TearDown() override { Qc("down --force"); }
  std::string sha_;
  std::string url_;
};

TEST_F(ImagesUp, BootsFromTheReadOnlyEntryAndRmWaitsForDestroy) {
  CmdResult never = Qc("up --pull never");
  EXPECT_EQ(never.exit_code, 1);
  EXPECT_NE(never.err.find("not in the image cache"), std::string::npos) << never.err;
  EXPECT_TRUE(server_.Requests().empty());

  CmdResult up = Qc("up", {}, "");
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  ASSERT_EQ(server_.RequestsFor("/files/disk.raw").size(), 1u);
  auto imgs = CacheFiles(".img");

  // Cached: `up` (--pull missing) does not ask; --pull always revalidates.
  CmdResult again = Qc("up");
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(server_.RequestsFor("/files/disk.raw").size(), 1u);
  CmdResult always = Qc("up --pull always");
  ASSERT_EQ(always.exit_code, 0) << always.out << always.err;
  auto reqs = server_.RequestsFor("/files/disk.raw");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].status, 304);
  ASSERT_EQ(imgs.size(), 1u);

  // The overlay names the cache file by its absolute path, format pinned.
  std::string overlay = project_ + "/.qemu-compose/v/disk.qcow2";
  CmdResult info = ns_.Run("qemu-img info -U --output=json " + overlay);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["backing-filename"], imgs[0]);
  EXPECT_EQ(j["backing-filename-format"], "raw");

  // In use: rm refuses and names the disk; prune keeps it.
  CmdResult rm = Qc("image rm " + url_);
  EXPECT_EQ(rm.exit_code, 1);
  EXPECT_NE(rm.err.find("is used by 1 VM disk (" + overlay + ")"), std::string::npos) << rm.err;
  CmdResult prune = Qc("image prune");
  EXPECT_EQ(prune.exit_code, 0) << prune.err;
  EXPECT_EQ(CacheFiles(".img").size(), 1u);
  CmdResult ls = Qc("image ls --format json");
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  auto listed = nlohmann::json::parse(ls.out);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["url"], url_);
  EXPECT_EQ(listed[0]["used_by"][0], overlay);

  // Destroyed and brought up again with no server: the cache is enough.
  ASSERT_EQ(Qc("destroy --force").exit_code, 0);
  server_.Stop();
  CmdResult offline = Qc("up");
  ASSERT_EQ(offline.exit_code, 0) << offline.out << offline.err;

  // --force removes it even in use (by a digest prefix here).
  CmdResult forced = Qc("image rm --force sha256:" + sha_.substr(0, 12));
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(CacheFiles(".img").empty());
  ASSERT_EQ(Qc("destroy --force").exit_code, 0);
}

}  // namespace
}  // namespace qc::itest
