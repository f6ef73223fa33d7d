// Our own header reading, on headers built byte by byte.
#include "images/image_format.h"

#include <gtest/gtest.h>

namespace qc::images {
namespace {

void Put32(std::string* b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    (*b)[off + i] = static_cast<char>(v >> (24 - 8 * i));
  }
}
void Put64(std::string* b, std::size_t off, std::uint64_t v) {
  Put32(b, off, static_cast<std::uint32_t>(v >> 32));
  Put32(b, off + 4, static_cast<std::uint32_t>(v));
}

struct Qcow2 {
  std::uint32_t version = 3;
  std::uint64_t size = 1 << 30;
  std::string backing;
  std::uint64_t incompatible = 0;
  std::string data_file_ext;  // header extension 0x44415441
  std::uint32_t crypt = 0;

  std::string Bytes() const {
    std::string b(4096, '\0');
    Put32(&b, 0, 0x514649fb);
    Put32(&b, 4, version);
    Put32(&b, 20, 16);
    Put64(&b, 24, size);
    Put32(&b, 32, crypt);
    std::size_t ext = 72;
    if (version == 3) {
      Put64(&b, 72, incompatible);
      Put32(&b, 96, 4);
      Put32(&b, 100, 104);
      ext = 104;
    }
    if (!data_file_ext.empty()) {
      Put32(&b, ext, 0x44415441);
      Put32(&b, ext + 4, static_cast<std::uint32_t>(data_file_ext.size()));
      b.replace(ext + 8, data_file_ext.size(), data_file_ext);
    }
    if (!backing.empty()) {
      Put64(&b, 8, 1024);
      Put32(&b, 16, static_cast<std::uint32_t>(backing.size()));
      b.replace(1024, backing.size(), backing);
    }
    return b;
  }
};

std::string Refusal(const std::string& head, std::uint64_t file_size = 1 << 20) {
  ImageFacts facts;
  std::string reason;
  return ImageFactsFromHeader(head, file_size, &facts, &reason) ? "accepted " + facts.format
                                                                : reason;
}

TEST(ImageFormat, AcceptsPlainQcow2AndRaw) {
  ImageFacts facts;
  std::string reason;
  ASSERT_TRUE(ImageFactsFromHeader(Qcow2{}.Bytes(), 1 << 20, &facts, &reason)) << reason;
  EXPECT_EQ(facts.format, "qcow2");
  EXPECT_EQ(facts.virtual_size, 1u << 30);
  Qcow2 v2;
  v2.version = 2;
  EXPECT_EQ(Refusal(v2.Bytes()), "accepted qcow2");
  ASSERT_TRUE(ImageFactsFromHeader(std::string(4096, '\x5a'), 12345, &facts, &reason));
  EXPECT_EQ(facts.format, "raw");
  EXPECT_EQ(facts.virtual_size, 12800u);  // whole sectors, as QEMU sees it
}

TEST(ImageFormat, RefusesBackingFileNamingIt) {
  Qcow2 q;
  q.backing = "/etc/shadow";
  EXPECT_EQ(Refusal(q.Bytes()), "has a backing file '/etc/shadow' (images must be self-contained)");
  q.backing = "/x\n\x1b[2J";
  EXPECT_EQ(Refusal(q.Bytes()), "has a backing file '/x??[2J' (images must be self-contained)");
}

TEST(ImageFormat, RefusesExternalDataFile) {
  Qcow2 bit;
  bit.incompatible = 1 << 2;
  bit.data_file_ext = "/etc/shadow";
  EXPECT_EQ(Refusal(bit.Bytes()),
            "has an external data file '/etc/shadow' (images must be self-contained)");
  Qcow2 ext_only;
  ext_only.data_file_ext = "/etc/passwd";
  EXPECT_EQ(Refusal(ext_only.Bytes()),
            "has an external data file '/etc/passwd' (images must be self-contained)");
  Qcow2 bit_only;
  bit_only.incompatible = 1 << 2;
  EXPECT_EQ(Refusal(bit_only.Bytes()), "has an external data file (images must be self-contained)");
}

TEST(ImageFormat, RefusesHugeEncryptedUnknownAndOld) {
  Qcow2 huge;
  huge.size = std::uint64_t{1} << 62;
  EXPECT_EQ(Refusal(huge.Bytes()),
            "claims a virtual size of 4611686018427387904 bytes (more than 4 TiB)");
  Qcow2 enc;
  enc.crypt = 1;
  EXPECT_EQ(Refusal(enc.Bytes()), "is encrypted (not supported)");
  Qcow2 unknown;
  unknown.incompatible = 1 << 10;
  EXPECT_EQ(Refusal(unknown.Bytes()), "uses qcow2 features this version does not know");
  Qcow2 v1;
  v1.version = 1;
  EXPECT_EQ(Refusal(v1.Bytes()),
            "is in the old qcow (version 1) format; only qcow2 and raw are accepted");
  EXPECT_EQ(Refusal(Qcow2{}.Bytes().substr(0, 80)), "has a truncated qcow2 header");
  EXPECT_EQ(Refusal("", 0), "is empty");
}

TEST(ImageFormat, NamesOtherFormats) {
  EXPECT_EQ(Refusal("KDMV" + std::string(508, '\0')),
            "is in the vmdk format; only qcow2 and raw are accepted");
  EXPECT_EQ(Refusal("# Disk DescriptorFile\nversion=1\nRW 8 FLAT \"/etc/shadow\" 0\n"),
            "is in the vmdk (descriptor) format; only qcow2 and raw are accepted");
  EXPECT_EQ(Refusal("vhdxfile" + std::string(100, '\0')),
            "is in the vhdx format; only qcow2 and raw are accepted");
  EXPECT_EQ(Refusal(std::string("QED\0", 4) + std::string(100, '\0')),
            "is in the qed format; only qcow2 and raw are accepted");
}

TEST(ImageFormat, RawLargerThanTheLimitIsRefused) {
  EXPECT_EQ(Refusal(std::string(512, '\0'), kMaxVirtualSize + 1), "is larger than 4 TiB");
}

}  // namespace
}  // namespace qc::images
