// Readiness reads leases: a lease from a VM's previous run must not count.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "commands/vm_probe.h"

namespace qc::commands {
namespace {

constexpr char kMac[] = "52:54:00:aa:bb:cc";

std::string WriteTemp(const std::string& text) {
  char path[] = "/tmp/qc-lease-probe-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

// A dnsmasq leases line granted at `granted` (expiry = grant + lease time).
std::string LeaseLine(std::time_t granted, const std::string& mac, const std::string& ip) {
  return std::to_string(granted + kDnsmasqLeaseSeconds) + " " + mac + " " + ip + " web *\n";
}

TEST(LeaseFromLeasesFile, CountsOnlyLeasesGrantedSinceQemuStarted) {
  const std::time_t started = 1'800'000'000;
  std::string old_run = WriteTemp(LeaseLine(started - 600, kMac, "172.16.0.10"));
  EXPECT_EQ(LeaseFromLeasesFile(old_run, kMac, started), "");
  // A quick stop and up: the previous run's lease is from the second before
  // QEMU started again, or the same second.
  std::string just_before = WriteTemp(LeaseLine(started - 1, kMac, "172.16.0.10"));
  EXPECT_EQ(LeaseFromLeasesFile(just_before, kMac, started), "");
  std::string same_second = WriteTemp(LeaseLine(started, kMac, "172.16.0.10"));
  EXPECT_EQ(LeaseFromLeasesFile(same_second, kMac, started), "");
  std::string this_run = WriteTemp(LeaseLine(started + 5, "52:54:00:AA:BB:CC", "172.16.0.10"));
  EXPECT_EQ(LeaseFromLeasesFile(this_run, kMac, started), "172.16.0.10");
  std::string other_vm = WriteTemp(LeaseLine(started + 5, "52:54:00:00:00:01", "172.16.0.11"));
  EXPECT_EQ(LeaseFromLeasesFile(other_vm, kMac, started), "");
  for (const auto& f : {old_run, just_before, same_second, this_run, other_vm}) {
    unlink(f.c_str());
  }
}

TEST(LeaseFromSerialLog, TakesTheGuestsLastLeaseForThatMac) {
  std::string log = WriteTemp(
      "boot\r\nQC-LEASE iface=eth0 ip=none mac=52:54:00:aa:bb:cc\r\n"
      "# QC-LEASE iface=eth0 ip=172.16.0.10/24 mac=52:54:00:aa:bb:cc router=172.16.0.1\r\n"
      "QC-LEASE iface=eth1 ip=172.16.1.10/24 mac=52:54:00:00:00:01\r\n");
  EXPECT_EQ(LeaseFromSerialLog(log, kMac), "172.16.0.10");
  EXPECT_EQ(LeaseFromSerialLog(log + ".missing", kMac), "");
  unlink(log.c_str());
}

}  // namespace
}  // namespace qc::commands
