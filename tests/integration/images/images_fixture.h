// A project dir and a cache dir of test user A, the HTTP server, and
// `qemu-compose` run with XDG_CACHE_HOME pointing at that cache.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness.h"
#include "image_server.h"

namespace qc::itest {

inline constexpr int kCmdTimeoutMs = 180 * 1000;

class ImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Started()) << server_.StartupLog();
    project_ = ScratchDir(UserA());
    cache_home_ = ScratchDir(UserA());
  }

  std::string CacheRoot() const { return cache_home_ + "/qemu-compose/images"; }

  void WriteFile(const std::string& path, const std::string& text) {
    CmdResult w = ns_.RunAs(UserA(), "cat > " + path + " <<'QC_EOF'\n" + text + "QC_EOF\n");
    ASSERT_EQ(w.exit_code, 0) << w.err;
  }
  // One VM `v` with this image (and digest).
  void UseImage(const std::string& image, const std::string& digest = "",
                const std::string& dir = "") {
    WriteFile((dir.empty() ? project_ : dir) + "/qemu-compose.yaml",
              "vms:\n  v:\n    image: " + image + "\n" +
                  (digest.empty() ? "" : "    image_digest: " + digest + "\n"));
  }
  std::vector<std::string> Env(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> env = extra;
    env.push_back("XDG_CACHE_HOME=" + cache_home_);
    return env;
  }
  CmdResult Qc(const std::string& args, const std::vector<std::string>& env = {},
               const std::string& dir = "") {
    return ns_.RunWithTimeout(
        &UserA(),
        "cd " + (dir.empty() ? project_ : dir) + " && " + GetInstall().frontend + " " + args,
        kCmdTimeoutMs, Env(env));
  }
  // Files anywhere in the cache whose name ends with suffix.
  std::vector<std::string> CacheFiles(const std::string& suffix) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(CacheRoot(), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().string().ends_with(suffix)) {
        out.push_back(it->path().string());
      }
    }
    return out;
  }

  Netns ns_;
  ImageServer server_{ns_};
  std::string project_;
  std::string cache_home_;
};

// Non-empty lines of text.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    if (end > start) {
      out.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace qc::itest
