// Sizes, durations, subnets, names and the string forms inside a VM.
#include <gtest/gtest.h>

#include "compose/names.h"
#include "compose/subnet.h"
#include "compose/suggest.h"
#include "compose/units.h"
#include "compose/vm_fields.h"

namespace qc::compose {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

TEST(ParseSize, UnitsAreBinaryWithOptionalBOrIB) {
  EXPECT_EQ(ParseSize("512M", 1), 512 * kMiB);
  EXPECT_EQ(ParseSize("2G", 1), 2 * kGiB);
  EXPECT_EQ(ParseSize("1GiB", 1), kGiB);
  EXPECT_EQ(ParseSize("1gb", 1), kGiB);
  EXPECT_EQ(ParseSize("64k", 1), 64U * 1024);
  EXPECT_EQ(ParseSize("1T", 1), kGiB * 1024);
  EXPECT_EQ(ParseSize("1.5G", 1), 1536 * kMiB);
  EXPECT_EQ(ParseSize("100B", 1), 100U);
}

TEST(ParseSize, PlainNumberUsesTheCallersUnit) {
  EXPECT_EQ(ParseSize("1024", kMiB), kGiB);  // memory: MiB
  EXPECT_EQ(ParseSize("4096", 1), 4096U);    // disks: bytes
}

TEST(ParseSize, RejectsJunk) {
  for (const char* bad : {"", "M", "12X", "-1G", "1.G", "1 G", "1GG", "0x10", "1e9", "1.2345678G",
                          "99999999999999999999"}) {
    EXPECT_FALSE(ParseSize(bad, 1).has_value()) << bad;
  }
}

TEST(FormatSize, LargestExactUnit) {
  EXPECT_EQ(FormatSize(512 * kMiB), "512M");
  EXPECT_EQ(FormatSize(1536 * kMiB), "1536M");
  EXPECT_EQ(FormatSize(10 * kGiB), "10G");
  EXPECT_EQ(FormatSize(1000), "1000");
  EXPECT_EQ(FormatSize(0), "0");
}

TEST(Duration, ParsesDockerStyleAndSeconds) {
  EXPECT_EQ(ParseDurationSeconds("30s"), 30U);
  EXPECT_EQ(ParseDurationSeconds("1m30s"), 90U);
  EXPECT_EQ(ParseDurationSeconds("2m"), 120U);
  EXPECT_EQ(ParseDurationSeconds("1h"), 3600U);
  EXPECT_EQ(ParseDurationSeconds("45"), 45U);
  EXPECT_EQ(ParseDurationSeconds("0"), 0U);
  for (const char* bad : {"", "s", "30x", "30s1m", "1m1m", "1.5s", "-1s", "30 s"}) {
    EXPECT_FALSE(ParseDurationSeconds(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatDuration(90), "1m30s");
  EXPECT_EQ(FormatDuration(3600), "1h");
  EXPECT_EQ(FormatDuration(0), "0s");
}

TEST(Subnet, AcceptsAutoAndAlignedPrefixesUpTo24) {
  EXPECT_EQ(CheckSubnet("auto"), "");
  EXPECT_EQ(CheckSubnet("172.20.0.0/24"), "");
  EXPECT_EQ(CheckSubnet("10.0.0.0/16"), "");
  EXPECT_EQ(CheckSubnet("172.20.0.0/25"),
            "subnet 172.20.0.0/25 is smaller than a /24, which the DHCP range .10-.250 needs "
            "(the prefix must be 16..24)");
  EXPECT_EQ(CheckSubnet("10.1.2.0/16"),
            "subnet 10.1.2.0/16 is not a network address; did you mean 10.1.0.0/16?");
  // `up` (and the helper) refuse these, so `config` does too.
  EXPECT_EQ(CheckSubnet("10.0.0.0/8"),
            "subnet 10.0.0.0/8 is larger than a /16 (the prefix must be 16..24)");
  EXPECT_NE(CheckSubnet("0.0.0.0/0"), "");
  for (const char* bad : {"172.20.0.0", "172.20.0.0/33", "172.20.0/24", "fd00::/64", "a.b.c.d/24",
                          "172.20.0.0/", "172.020.0.0/24", "172.20.0.0/024", " 172.20.0.0/24"}) {
    EXPECT_NE(CheckSubnet(bad).find("invalid subnet"), std::string::npos) << bad;
  }
}

TEST(Names, VmNamesAreHostnameLabels) {
  EXPECT_TRUE(IsValidVmName("web"));
  EXPECT_TRUE(IsValidVmName("web-1"));
  EXPECT_TRUE(IsValidVmName("1web"));
  EXPECT_TRUE(IsValidVmName(std::string(63, 'a')));
  EXPECT_FALSE(IsValidVmName(std::string(64, 'a')));
  for (const char* bad : {"", "Web", "web_1", "-web", "web-", "we b", "web.local"}) {
    EXPECT_FALSE(IsValidVmName(bad)) << bad;
  }
}

TEST(Names, NetworkAndProjectNames) {
  EXPECT_TRUE(IsValidResourceName("back_end-1"));
  EXPECT_FALSE(IsValidResourceName("_back"));
  EXPECT_FALSE(IsValidResourceName(std::string(32, 'a')));
  EXPECT_TRUE(IsValidProjectName("my_app-2"));
  EXPECT_FALSE(IsValidProjectName("My App"));
  EXPECT_EQ(NormalizeProjectName("My Project.v2"), "myprojectv2");
  EXPECT_EQ(NormalizeProjectName("__Tmp-Dir"), "tmp-dir");
  EXPECT_EQ(NormalizeProjectName("..."), "");
}

TEST(Suggest, ClosestKeyWithinReach) {
  const std::vector<std::string> keys = {"image", "memory", "networks", "cpu"};
  EXPECT_EQ(ClosestMatch("memroy", keys), "memory");
  EXPECT_EQ(ClosestMatch("CPU", keys), "cpu");
  EXPECT_EQ(ClosestMatch("network", keys), "networks");
  EXPECT_EQ(ClosestMatch("environment", keys), "");
  EXPECT_EQ(DidYouMean("imgae", keys), "; did you mean 'image'?");
}

TEST(PortMapping, ParsesAndRejects) {
  PortMapping m;
  EXPECT_EQ(ParsePortMapping("8080:80", &m), "");
  EXPECT_EQ(m.host, 8080);
  EXPECT_EQ(m.guest, 80);
  EXPECT_EQ(m.protocol, "tcp");
  EXPECT_EQ(ParsePortMapping("53:53/udp", &m), "");
  EXPECT_EQ(m.protocol, "udp");
  EXPECT_EQ(ParsePortMapping("8080:0", &m), "guest port 0 in '8080:0' is out of range 1-65535");
  EXPECT_EQ(ParsePortMapping("127.0.0.1:80:80", &m),
            "invalid port mapping '127.0.0.1:80:80': expected 'HOST:GUEST' or "
            "'HOST:GUEST/tcp|udp'");
}

TEST(VolumeEntry, NamedVolumesAndHostPaths) {
  VolumeMount m;
  EXPECT_EQ(ParseVolumeEntry("data", &m), "");
  EXPECT_TRUE(m.named);
  EXPECT_EQ(m.target, "");
  EXPECT_EQ(ParseVolumeEntry("data:/srv:ro", &m), "");
  EXPECT_TRUE(m.named);
  EXPECT_TRUE(m.read_only);
  EXPECT_EQ(ParseVolumeEntry("/host/dir:/mnt:rw", &m), "");
  EXPECT_FALSE(m.named);
  EXPECT_FALSE(m.read_only);
  EXPECT_EQ(ParseVolumeEntry("./dir", &m),
            "volume entry './dir': a host path needs a target, e.g. './data:/mnt/data'");
  EXPECT_EQ(ParseVolumeEntry("data:/srv:rx", &m),
            "volume entry 'data:/srv:rx': unknown mode 'rx' (expected ro or rw)");
}

}  // namespace
}  // namespace qc::compose
