// `qemu-compose doctor` as the unprivileged test user, inside a private
// network namespace, against the installed product (helper setcap'd by the
// itest fixture exactly like a real install).
//
// The /dev/net/tun cases do not chmod the host's device: each run gets a
// private mount namespace whose /dev/net is a tmpfs holding a fresh tun node
// (same major/minor) with the mode under test. The host node is never
// changed, so nothing needs restoring and nothing running beside the test
// sees a different mode.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "harness.h"

namespace qc::itest {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class DoctorAsUser : public ::testing::Test {
 protected:
  // The command that runs doctor: the installed frontend when it is there,
  // otherwise the test driver that calls qc::tools::RunDoctor directly.
  std::string DoctorCommand(bool json) {
    const Install& install = GetInstall();
    if (access(install.frontend.c_str(), X_OK) == 0) {
      return install.frontend + " doctor --format " + (json ? "json" : "text");
    }
    std::string dir = ScratchDir(UserA());
    std::string driver = dir + "/qc-doctor-driver";
    EXPECT_EQ(std::system(("install -m 0755 " QC_DOCTOR_DRIVER " " + driver).c_str()), 0);
    return driver + " " + install.helper + " " + install.runner + (json ? " --json" : "");
  }

  // doctor as UserA with /dev/net/tun of the given mode (e.g. "0666").
  CmdResult Doctor(const std::string& tun_mode, bool json) {
    const User& a = UserA();
    std::string sh =
        "exec unshare --mount --propagation private sh -c '"
        "set -e; mount -t tmpfs -o mode=0755 qc-doctor-test /dev/net; "
        "mknod -m " +
        tun_mode +
        " /dev/net/tun c 10 200; "
        "exec setpriv --reuid=" +
        std::to_string(a.uid) + " --regid=" + std::to_string(a.gid) +
        " --init-groups env -i HOME=" + a.home + " USER=" + a.name +
        " PATH=/usr/local/bin:/usr/bin:/bin " + DoctorCommand(json) + "'";
    return ns_.Run(sh);
  }

  Netns ns_;
};

TEST_F(DoctorAsUser, WorldReadWritableTunAndInstalledHelperAreAllGood) {
  CmdResult r = Doctor("0666", true);
  SCOPED_TRACE(r.out + r.err);
  EXPECT_TRUE(Contains(r.out, R"({"check": "/dev/net/tun", "ok": true, "level": "ok")"));
  EXPECT_TRUE(Contains(r.out, R"({"check": "helper capabilities", "ok": true, "level": "ok")"));
  EXPECT_TRUE(Contains(r.out, R"({"check": "helper access", "ok": true, "level": "ok")"));
  // The handshake proves the privileged path: the setcap'd helper started
  // as the user, confined itself and answered Hello with the user's uid.
  EXPECT_TRUE(Contains(r.out, R"({"check": "helper handshake", "ok": true)"));
  EXPECT_TRUE(Contains(r.out, "uid " + std::to_string(UserA().uid) + " allowed"));
  // No /dev/kvm or ip_forward=0 in a fresh namespace are only warnings.
  EXPECT_FALSE(Contains(r.out, "\"ok\": false"));
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(DoctorAsUser, RootOnlyTunFailsAndSaysHowToFixIt) {
  CmdResult r = Doctor("0600", false);
  SCOPED_TRACE(r.out + r.err);
  EXPECT_TRUE(Contains(r.out, "✗ /dev/net/tun: mode 0600"));
  EXPECT_TRUE(Contains(r.out, "    fix: sudo chmod 0666 /dev/net/tun"));
  EXPECT_TRUE(
      Contains(r.out, "✓ helper capabilities: exactly cap_net_admin,cap_net_bind_service+ep"));
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(DoctorAsUser, HostTunNodeIsUntouched) {
  // Guard for the approach above: the host's node keeps its mode.
  struct stat before {};
  ASSERT_EQ(stat("/dev/net/tun", &before), 0);
  Doctor("0600", true);
  struct stat after {};
  ASSERT_EQ(stat("/dev/net/tun", &after), 0);
  EXPECT_EQ(before.st_mode, after.st_mode);
}

}  // namespace
}  // namespace qc::itest
