#include "images/cache_meta.h"

#include <gtest/gtest.h>

#include "images/cache_layout.h"

namespace qc::images {
namespace {

TEST(CacheMeta, RoundTrips) {
  CacheMeta m;
  m.url = "https://h/a.qcow2";
  m.data = "sha256-" + std::string(64, 'a') + ".img";
  m.digests["sha256"] = std::string(64, 'a');
  m.size = 123;
  m.format = "qcow2";
  m.virtual_size = 1 << 30;
  m.validators = {"\"abc\"", "Tue, 01 Oct 2024 10:00:00 GMT"};
  m.pulled_at = 1700000000;
  CacheMeta back;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(m), &back, &error)) << error;
  EXPECT_EQ(back.url, m.url);
  EXPECT_EQ(back.data, m.data);
  EXPECT_EQ(back.Primary().ToString(), "sha256:" + std::string(64, 'a'));
  EXPECT_EQ(back.validators.etag, "\"abc\"");
  EXPECT_EQ(back.virtual_size, m.virtual_size);
}

TEST(CacheMeta, RefusesADataNameOutsideTheEntry) {
  std::string error;
  CacheMeta m;
  for (const char* data : {"../../etc/shadow", ".hidden", ""}) {
    std::string text = R"({"url":"http://h/","data":")" + std::string(data) +
                       R"(","digests":{"sha256":"aa"},"size":1,"format":"raw"})";
    EXPECT_FALSE(FromJson(text, &m, &error)) << data;
  }
  EXPECT_FALSE(FromJson("not json", &m, &error));
}

TEST(CacheLayout, KeyIsAHashOfTheWholeUrl) {
  std::string a = CacheLayout::KeyOf("https://a.example/disk.qcow2");
  std::string b = CacheLayout::KeyOf("https://b.example/disk.qcow2");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find("disk"), std::string::npos);
}

TEST(CacheLayout, FollowsXdgCacheHome) {
  std::string error;
  setenv("XDG_CACHE_HOME", "/tmp/xdg-test/", 1);
  EXPECT_EQ(CacheLayout::ForUser(&error)->root, "/tmp/xdg-test/qemu-compose/images");
  setenv("XDG_CACHE_HOME", "relative", 1);  // not absolute: ignored, as the spec says
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(CacheLayout::ForUser(&error)->root, "/home/someone/.cache/qemu-compose/images");
  unsetenv("XDG_CACHE_HOME");
}

}  // namespace
}  // namespace qc::images
