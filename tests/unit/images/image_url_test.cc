#include "images/image_url.h"

#include <gtest/gtest.h>

namespace qc::images {
namespace {

std::string Norm(const std::string& url) {
  std::string error;
  std::optional<std::string> out = NormalizeImageUrl(url, &error);
  return out ? *out : "ERROR: " + error;
}

TEST(ImageUrl, LooksLikeUrlOnlyWithSchemeAndSlashes) {
  EXPECT_TRUE(LooksLikeUrl("https://example.org/a.qcow2"));
  EXPECT_TRUE(LooksLikeUrl("ftp://example.org/a"));
  EXPECT_TRUE(LooksLikeUrl("file:///srv/a.img"));
  EXPECT_FALSE(LooksLikeUrl("./debian.qcow2"));
  EXPECT_FALSE(LooksLikeUrl("/srv/images/a.qcow2"));
  EXPECT_FALSE(LooksLikeUrl("disk:v2.qcow2"));
  EXPECT_FALSE(LooksLikeUrl("://x"));
  EXPECT_FALSE(LooksLikeUrl("1http://x"));
}

TEST(ImageUrl, NormalisesSchemeAndHost) {
  EXPECT_EQ(Norm("HTTPS://Cloud.Debian.ORG/images/x.qcow2"),
            "https://cloud.debian.org/images/x.qcow2");
  EXPECT_EQ(Norm("http://127.0.0.1:8080"), "http://127.0.0.1:8080/");
  EXPECT_EQ(Norm("http://[::1]:8080/a?x=1"), "http://[::1]:8080/a?x=1");
  EXPECT_EQ(Norm("file:///srv/a%20b.img"), "file:///srv/a%20b.img");
  EXPECT_EQ(Norm("file://localhost/srv/a.img"), "file:///srv/a.img");
}

TEST(ImageUrl, RefusesWhatTheIssueLists) {
  EXPECT_EQ(Norm("ftp://example.org/a.qcow2"),
            "ERROR: unsupported URL scheme 'ftp' (use http://, https:// or file://, or a local "
            "path)");
  EXPECT_EQ(Norm(""), "ERROR: empty URL");
  EXPECT_EQ(Norm("file://../disk.qcow2"),
            "ERROR: a file URL must name a local absolute path (file:///path/to/image)");
  EXPECT_EQ(Norm("http://h/a/../b.qcow2"), "ERROR: URL path must not contain '.' or '..' segments");
  EXPECT_EQ(Norm("http://h/a/%2E%2e/b.qcow2"),
            "ERROR: URL path must not contain '.' or '..' segments");
  EXPECT_EQ(Norm("http://h/./b"), "ERROR: URL path must not contain '.' or '..' segments");
  EXPECT_EQ(Norm("file:///srv/../etc/shadow"),
            "ERROR: URL path must not contain '.' or '..' segments");
}

TEST(ImageUrl, RefusesMalformedParts) {
  EXPECT_EQ(Norm("http://user:pw@h/a"), "ERROR: URL must not contain a user name or password");
  EXPECT_EQ(Norm("http://h/a#frag"), "ERROR: URL must not contain a fragment ('#')");
  EXPECT_EQ(Norm("http:///a"), "ERROR: URL has no host");
  EXPECT_EQ(Norm("http://h:0/a"), "ERROR: URL has an invalid port '0'");
  EXPECT_EQ(Norm("http://h:99999/a"), "ERROR: URL has an invalid port '99999'");
  EXPECT_EQ(Norm("http://h:/a"), "ERROR: URL has an empty port");
  EXPECT_EQ(Norm("http://h:8x/a"), "ERROR: URL has an invalid port '8x'");
  EXPECT_EQ(Norm("http://h a/b"),
            "ERROR: URL contains a space, a control or a non-ASCII character (percent-encode it)");
  EXPECT_EQ(Norm("http://h/a%zz"), "ERROR: URL has an invalid percent-escape (%HH, not %00)");
  EXPECT_EQ(Norm("http://h/a%00b"), "ERROR: URL has an invalid percent-escape (%HH, not %00)");
  EXPECT_EQ(Norm("http://h/a%4"), "ERROR: URL has an invalid percent-escape (%HH, not %00)");
  EXPECT_EQ(Norm("http://[::1/a"), "ERROR: URL has an unterminated IPv6 address");
  EXPECT_EQ(Norm("http://[zz]/a"), "ERROR: URL has an invalid IPv6 address");
  EXPECT_EQ(Norm("http://h$x/a"), "ERROR: URL host has an invalid character '$'");
  EXPECT_EQ(Norm("file:///"), "ERROR: a file URL must name a file, not a directory");
  EXPECT_EQ(Norm("file://host/a"),
            "ERROR: a file URL must name a local absolute path (file:///path/to/image)");
}

TEST(ImageUrl, SplitsNormalisedUrls) {
  UrlParts p = SplitNormalizedUrl("https://h:8443/a/b.qcow2?x=1");
  EXPECT_EQ(p.scheme, "https");
  EXPECT_EQ(p.host, "h:8443");
  EXPECT_EQ(p.path, "/a/b.qcow2");
  UrlParts f = SplitNormalizedUrl("file:///srv/a%20b.img");
  EXPECT_EQ(f.scheme, "file");
  EXPECT_EQ(f.path, "/srv/a b.img");
}

}  // namespace
}  // namespace qc::images
