// Doctor's verdicts and fixes for the situations a user can be in.
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "doctor_checks.h"

namespace qc::tools {
namespace {

struct stat Node(mode_t mode, uid_t uid = 0, gid_t gid = 0) {
  struct stat st {};
  st.st_mode = mode;
  st.st_uid = uid;
  st.st_gid = gid;
  return st;
}

const Identity kUser{1000, 1000, {1000, 24}};
const Identity kRoot{0, 0, {0}};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(DoctorTun, WorldReadWritableDeviceIsOk) {
  struct stat st = Node(S_IFCHR | 0666);
  CheckResult r = EvaluateTun(&st, 0, kUser);
  EXPECT_EQ(r.level, Level::kOk) << r.detail;
  EXPECT_TRUE(Contains(r.detail, "0666"));
}

TEST(DoctorTun, RootOnlyDeviceFailsWithChmodFix) {
  struct stat st = Node(S_IFCHR | 0600);
  CheckResult r = EvaluateTun(&st, EACCES, kUser);
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.detail, "0600"));
  EXPECT_TRUE(Contains(r.fix, "chmod 0666 /dev/net/tun"));
}

TEST(DoctorTun, RootOnlyDeviceFailsEvenWhenRootCanOpenIt) {
  // doctor run with sudo must not hide that the user's helper cannot open it.
  struct stat st = Node(S_IFCHR | 0600);
  EXPECT_EQ(EvaluateTun(&st, 0, kRoot).level, Level::kFail);
}

TEST(DoctorTun, GroupAccessCountsForMembers) {
  struct stat st = Node(S_IFCHR | 0660, 0, 24);
  EXPECT_EQ(EvaluateTun(&st, 0, kUser).level, Level::kOk);
  Identity outsider{1001, 1001, {1001}};
  EXPECT_EQ(EvaluateTun(&st, EACCES, outsider).level, Level::kFail);
}

TEST(DoctorTun, MissingDeviceFailsWithModprobeFix) {
  CheckResult r = EvaluateTun(nullptr, ENOENT, kUser);
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.fix, "modprobe tun"));
}

TEST(DoctorKvm, MissingOrInaccessibleIsOnlyAWarning) {
  CheckResult missing = EvaluateKvm(nullptr, ENOENT);
  EXPECT_EQ(missing.level, Level::kWarn);
  EXPECT_TRUE(Contains(missing.detail, "TCG will be used (slow)"));
  struct stat st = Node(S_IFCHR | 0660, 0, 108);
  CheckResult denied = EvaluateKvm(&st, EACCES);
  EXPECT_EQ(denied.level, Level::kWarn);
  EXPECT_TRUE(Contains(denied.fix, "usermod -aG kvm"));
  EXPECT_EQ(EvaluateKvm(&st, 0).level, Level::kOk);
}

TEST(DoctorCaps, ExactlyTheTwoCapabilitiesIsOk) {
  EXPECT_EQ(EvaluateHelperCapabilities("/h", "cap_net_admin,cap_net_bind_service=ep").level,
            Level::kOk);
  EXPECT_EQ(EvaluateHelperCapabilities("/h", "cap_net_bind_service,cap_net_admin+ep").level,
            Level::kOk);
}

TEST(DoctorCaps, NoCapabilitiesFailsWithSetcapFix) {
  CheckResult r = EvaluateHelperCapabilities("/usr/libexec/qemu-compose/qc-netd-helper", "");
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_EQ(r.fix,
            "sudo setcap cap_net_admin,cap_net_bind_service+ep "
            "/usr/libexec/qemu-compose/qc-netd-helper");
}

TEST(DoctorCaps, MissingCapabilityIsNamed) {
  CheckResult r = EvaluateHelperCapabilities("/h", "cap_net_admin=ep");
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.detail, "missing or not +ep: cap_net_bind_service")) << r.detail;
}

TEST(DoctorCaps, ExtraCapabilityIsNamed) {
  CheckResult r =
      EvaluateHelperCapabilities("/h", "cap_net_admin,cap_net_bind_service,cap_sys_admin=ep");
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.detail, "more than needed: cap_sys_admin")) << r.detail;
}

TEST(DoctorCaps, PermittedWithoutEffectiveFails) {
  EXPECT_EQ(EvaluateHelperCapabilities("/h", "cap_net_admin,cap_net_bind_service=p").level,
            Level::kFail);
  EXPECT_EQ(EvaluateHelperCapabilities("/h", "cap_net_admin,cap_net_bind_service=eip").level,
            Level::kFail);
}

TEST(DoctorHelperMode, GroupRestrictedHelperForAMember) {
  struct stat st = Node(S_IFREG | 0750, 0, 500);
  CheckResult r = EvaluateHelperMode("/h", st, "qemu-compose", true, true);
  EXPECT_EQ(r.level, Level::kOk);
  EXPECT_TRUE(Contains(r.detail, "restricted to group qemu-compose, and you are a member"));
}

TEST(DoctorHelperMode, GroupRestrictedHelperForANonMember) {
  struct stat st = Node(S_IFREG | 0750, 0, 500);
  CheckResult r = EvaluateHelperMode("/h", st, "qemu-compose", false, false);
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.fix, "usermod -aG qemu-compose"));
}

TEST(DoctorHelperMode, MemberWhoseSessionPredatesTheGroup) {
  struct stat st = Node(S_IFREG | 0750, 0, 500);
  CheckResult r = EvaluateHelperMode("/h", st, "qemu-compose", false, true);
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.fix, "newgrp qemu-compose"));
}

TEST(DoctorHelperMode, OpenToEveryoneIsOk) {
  struct stat st = Node(S_IFREG | 0755);
  EXPECT_EQ(EvaluateHelperMode("/h", st, "root", false, false).level, Level::kOk);
}

TEST(DoctorHelperMode, WritableOrUserOwnedHelperFails) {
  struct stat writable = Node(S_IFREG | 0775);
  EXPECT_EQ(EvaluateHelperMode("/h", writable, "root", false, false).level, Level::kFail);
  struct stat user_owned = Node(S_IFREG | 0755, 1000, 1000);
  CheckResult r = EvaluateHelperMode("/h", user_owned, "alice", true, true);
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.fix, "chown root"));
}

TEST(DoctorPolicy, MissingFileMeansDefaults) {
  CheckResult r = EvaluatePolicyFile("/etc/qemu-compose/netd.conf", nullptr, ENOENT);
  EXPECT_EQ(r.level, Level::kOk);
  EXPECT_TRUE(Contains(r.detail, "defaults"));
}

TEST(DoctorPolicy, RootOwnedReadOnlyFileIsOk) {
  struct stat st = Node(S_IFREG | 0644);
  EXPECT_EQ(EvaluatePolicyFile("/p", &st, 0).level, Level::kOk);
}

TEST(DoctorPolicy, UnsafeFilesFail) {
  struct stat user_owned = Node(S_IFREG | 0644, 1000);
  EXPECT_TRUE(Contains(EvaluatePolicyFile("/p", &user_owned, 0).fix, "chown root:root /p"));
  struct stat group_writable = Node(S_IFREG | 0664);
  CheckResult r = EvaluatePolicyFile("/p", &group_writable, 0);
  EXPECT_EQ(r.level, Level::kFail);
  EXPECT_TRUE(Contains(r.fix, "chmod go-w /p"));
}

TEST(DoctorIpForward, OffIsAWarningTheHelperResolves) {
  EXPECT_EQ(EvaluateIpForward("1\n").level, Level::kOk);
  CheckResult off = EvaluateIpForward("0\n");
  EXPECT_EQ(off.level, Level::kWarn);
  EXPECT_TRUE(Contains(off.detail, "the helper turns it on when a network needs NAT"));
  EXPECT_EQ(EvaluateIpForward(std::nullopt).level, Level::kWarn);
}

TEST(DoctorIptables, UnreadableSaysHowToCheck) {
  CheckResult r = EvaluateIptables(std::nullopt);
  EXPECT_EQ(r.level, Level::kWarn);
  EXPECT_TRUE(Contains(r.detail, "cannot check as user"));
  EXPECT_TRUE(Contains(r.fix, "sudo iptables -S FORWARD"));
}

TEST(DoctorIptables, FilterTableLoadedIsAWarning) {
  EXPECT_EQ(EvaluateIptables("nat\nfilter\n").level, Level::kWarn);
  EXPECT_EQ(EvaluateIptables("").level, Level::kOk);
  EXPECT_EQ(EvaluateIptables("nat\nmangle\n").level, Level::kOk);
  EXPECT_EQ(EvaluateIptables("filterx\n").level, Level::kOk);
}

TEST(DoctorDnsmasq, VersionParsing) {
  auto v = ParseDnsmasqVersion("Dnsmasq version 2.90  Copyright (c) 2000-2024 Simon Kelley");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, std::make_pair(2, 90));
  EXPECT_FALSE(ParseDnsmasqVersion("garbage").has_value());
  EXPECT_FALSE(ParseDnsmasqVersion("version 99999999999999999999.1").has_value());
}

}  // namespace
}  // namespace qc::tools
