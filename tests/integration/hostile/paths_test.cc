// CVE-2018-6556 / CVE-2022-47952 (lxc-user-nic opened a caller-given path
// with privilege, and its errors told which files exist): StartDhcp's
// state_dir is the only path a caller gives. It is checked for shape, and
// what lies under it is opened by dnsmasq running as the caller, never with
// privilege, so a refusal says no more than the caller could learn itself.
#include <gtest/gtest.h>
#include <unistd.h>

#include "hostile_util.h"

namespace qc::itest {
namespace {

// The reply with every occurrence of `path` replaced by "<dir>".
std::string Anonymous(std::string text, const std::string& path) {
  for (std::size_t at = text.find(path); at != std::string::npos; at = text.find(path, at)) {
    text.replace(at, path.size(), "<dir>");
  }
  return text;
}

class HostilePaths : public ::testing::Test {
 protected:
  void SetUp() override {
    // A root-only directory with a secret, as any host has (/root, /etc/ssl/private).
    secret_ = "/tmp/qcit-secret-" + std::to_string(getpid());
    ASSERT_EQ(ns_.Run("rm -rf " + secret_ + " && mkdir -m 0700 " + secret_ + " && mkdir -m 0700 " +
                      secret_ + "/exists && for f in hosts dhcp-hosts leases; do echo " +
                      "'QC-SECRET-TOKEN 10.9.8.7' > " + secret_ + "/exists/$f; done")
                  .exit_code,
              0);
    snapshot_ = Snapshot();
    StartHello(&a_, ns_, UserA());
    netd::Reply r;
    ASSERT_TRUE(a_.Call(CreateBridgeReq("qc-paths"), &r));
    ASSERT_TRUE(a_.Call(AddAddressReq("qc-paths", "172.16.98.1/24"), &r));
    ASSERT_EQ(r.status(), netd::OK) << r.message();
    dir_ = ScratchDir(UserA());
  }
  void TearDown() override { ns_.Run("rm -rf " + secret_); }

  // Files a privileged open could have created or changed.
  std::string Snapshot() {
    return ns_
        .Run("find /etc /root -maxdepth 1 | sort; ls -la --time-style=full-iso " + secret_ +
             "/exists; sha256sum /etc/shadow " + secret_ + "/exists/*")
        .out;
  }
  netd::Reply Start(const std::string& state_dir) {
    netd::Reply r;
    if (!a_.Call(StartDhcpReq("qc-paths", state_dir, "p.test"), &r)) {
      r.set_message("no reply");
    }
    return r;
  }

  Netns ns_;
  HelperClient a_;
  std::string secret_;
  std::string snapshot_;
  std::string dir_;
};

TEST_F(HostilePaths, MalformedStateDirsAreRefusedByShape) {
  std::string before = NetDump(ns_);
  struct Case {
    std::string dir;
    const char* says;
  };
  for (const Case& k : {
           Case{"", "must be an absolute path"},
           Case{"relative/dir", "must be an absolute path"},
           Case{"./x", "must be an absolute path"},
           Case{"../../etc", "must be an absolute path"},
           Case{"-/x", "must be an absolute path"},
           Case{"--dhcp-script=/bin/sh", "must be an absolute path"},
           Case{dir_ + "/../../etc", "must be normalised"},
           Case{dir_ + "/..", "must be normalised"},
           Case{dir_ + "/./x", "must be normalised"},
           Case{dir_ + "//x", "must be normalised"},
           Case{dir_ + "/", "must be normalised"},
           Case{dir_ + "/a\nb", "may only contain"},
           Case{dir_ + "/a,b", "may only contain"},
           Case{dir_ + "/a b", "may only contain"},
           Case{dir_ + "/a=b", "may only contain"},
           Case{dir_ + "/a;b", "may only contain"},
           Case{dir_ + "/$HOME", "may only contain"},
           Case{dir_ + "/caf\xc3\xa9", "may only contain"},
           Case{dir_ + std::string("\0/etc", 5), "may only contain"},
           Case{"/" + std::string(250, 'a'), "longer than 200"},
       }) {
    netd::Reply r = Start(k.dir);
    EXPECT_EQ(r.status(), netd::INVALID_ARGUMENT) << k.dir << ": " << r.message();
    EXPECT_NE(r.message().find(k.says), std::string::npos) << k.dir << ": " << r.message();
  }
  EXPECT_EQ(NetDump(ns_), before);
  EXPECT_EQ(Snapshot(), snapshot_);
}

TEST_F(HostilePaths, Cve2018_6556_PathsTheCallerCannotUseAreNeverOpenedWithPrivilege) {
  ASSERT_EQ(
      ns_.Run("ln -s /etc/shadow " + dir_ + "/to-shadow && ln -s " + secret_ + "/exists " + dir_ +
              "/to-secret && ln -s /root " + dir_ + "/to-root && chown -h " + UserA().name + " " +
              dir_ + "/to-shadow " + dir_ + "/to-secret " + dir_ + "/to-root")
          .exit_code,
      0);
  std::string before = NetDump(ns_);
  for (const std::string& d : {std::string("/etc/shadow"), std::string("/etc"),
                               std::string("/root"), std::string("/root/x"), secret_ + "/exists",
                               secret_, dir_ + "/to-shadow", dir_ + "/to-secret", dir_ + "/to-root",
                               std::string("/proc/1/root/etc"), std::string("/nonexistent/dir")}) {
    netd::Reply r = Start(d);
    EXPECT_NE(r.status(), netd::OK) << d << ": " << r.message();
    EXPECT_NE(r.status(), netd::STATUS_UNSPECIFIED) << d << ": " << r.message();
    EXPECT_FALSE(r.message().empty()) << d;
    EXPECT_EQ(r.message().find("QC-SECRET-TOKEN"), std::string::npos) << d << ": " << r.message();
    EXPECT_EQ(r.message().find("10.9.8.7"), std::string::npos) << d << ": " << r.message();
  }
  // No dnsmasq was left running for the bridge, and nothing changed on disk.
  netd::Reply r;
  ASSERT_TRUE(a_.Call(ListOwnedReq(), &r));
  EXPECT_EQ(ns_.Run("pgrep -u " + UserA().name + " -f -- --interface=qc-paths").out, "");
  EXPECT_EQ(NetDump(ns_), before);
  EXPECT_EQ(Snapshot(), snapshot_);
  // The same bridge works with a directory the caller owns.
  r = Start(dir_);
  EXPECT_EQ(r.status(), netd::OK) << r.message();
}

TEST_F(HostilePaths, Cve2022_47952_RefusalsDoNotTellWhetherAHiddenPathExists) {
  // Existing and missing paths inside a directory the caller cannot search
  // must get the same answer (up to the path itself).
  const std::string exists = secret_ + "/exists";
  const std::string missing = secret_ + "/missing";
  netd::Reply r1 = Start(exists);
  netd::Reply r2 = Start(missing);
  EXPECT_NE(r1.status(), netd::OK) << r1.message();
  EXPECT_EQ(r1.status(), r2.status());
  EXPECT_EQ(Anonymous(r1.message(), exists), Anonymous(r2.message(), missing))
      << r1.message() << "\n"
      << r2.message();
  // Same through a symlink the caller made.
  ASSERT_EQ(ns_.Run("ln -s " + exists + " " + dir_ + "/l1 && ln -s " + missing + " " + dir_ + "/l2")
                .exit_code,
            0);
  netd::Reply l1 = Start(dir_ + "/l1");
  netd::Reply l2 = Start(dir_ + "/l2");
  EXPECT_EQ(l1.status(), l2.status());
  EXPECT_EQ(Anonymous(l1.message(), dir_ + "/l1"), Anonymous(l2.message(), dir_ + "/l2"))
      << l1.message() << "\n"
      << l2.message();
  EXPECT_EQ(Snapshot(), snapshot_);
}

}  // namespace
}  // namespace qc::itest
