#include "images/image_digest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "images/hasher.h"

namespace qc::images {
namespace {

// sha256("abc") and sha512("abc") (FIPS 180-2 test vectors).
const std::string kAbc256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kAbc512 =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feeb"
    "bd"
    "454d4423643ce80e2a9ac94fa54ca49f";

TEST(ImageDigest, ParsesBothAlgorithmsAndLowercases) {
  std::string error;
  auto d = ParseDigest("sha256:" + std::string(64, 'A'), &error);
  ASSERT_TRUE(d) << error;
  EXPECT_EQ(d->ToString(), "sha256:" + std::string(64, 'a'));
  auto e = ParseDigest("sha512:" + kAbc512, &error);
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->algo, DigestAlgo::kSha512);
}

TEST(ImageDigest, RefusesWrongShapes) {
  std::string error;
  for (const std::string& bad :
       std::vector<std::string>{"", "sha256:", "sha256:abc", "md5:" + std::string(32, 'a'),
                                "sha256:" + std::string(63, 'a') + "g",
                                "sha512:" + std::string(64, 'a'), std::string(64, 'a')}) {
    EXPECT_FALSE(ParseDigest(bad, &error)) << bad;
    EXPECT_EQ(error, "invalid digest '" + bad +
                         "' (use sha256:<64 hex digits> or sha512:<128 hex digits>)");
  }
}

TEST(Hasher, KnownVectorsInPieces) {
  Hasher h256(DigestAlgo::kSha256);
  h256.Update("a", 1);
  h256.Update("bc", 2);
  EXPECT_EQ(h256.Finish().hex, kAbc256);
  Hasher h512(DigestAlgo::kSha512);
  h512.Update("abc", 3);
  EXPECT_EQ(h512.Finish().hex, kAbc512);
}

TEST(Hasher, FileAndPrefixAgreeWithStreaming) {
  char path[] = "/tmp/qc-hash-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "abcdef", 6), 6);
  Digest whole;
  std::string error;
  ASSERT_TRUE(HashFile(path, DigestAlgo::kSha256, &whole, &error)) << error;
  Hasher resumed(DigestAlgo::kSha256);
  ASSERT_TRUE(HashPrefix(fd, 3, &resumed, &error)) << error;
  resumed.Update("def", 3);
  EXPECT_EQ(resumed.Finish(), whole);
  Hasher short_file(DigestAlgo::kSha256);
  EXPECT_FALSE(HashPrefix(fd, 7, &short_file, &error));
  close(fd);
  unlink(path);
}

}  // namespace
}  // namespace qc::images
