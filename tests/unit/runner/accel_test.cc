// Accelerator precedence: spec > QEMU_COMPOSE_ACCEL > auto.
#include "accel.h"

#include <gtest/gtest.h>

namespace qc::runner {
namespace {

const std::string kKvmOk;
const std::string kNoKvm = "/dev/kvm: No such file or directory";

TEST(ChooseAccel, AutoPicksKvmWhenUsable) {
  AccelChoice c;
  std::string err;
  ASSERT_TRUE(ChooseAccel("", nullptr, kKvmOk, &c, &err));
  EXPECT_EQ(c.accel, "kvm");
  EXPECT_EQ(c.warning, "");
}

TEST(ChooseAccel, AutoFallsBackToTcgWithWarning) {
  AccelChoice c;
  std::string err;
  ASSERT_TRUE(ChooseAccel("", "", kNoKvm, &c, &err));
  EXPECT_EQ(c.accel, "tcg");
  EXPECT_EQ(c.warning,
            "warning: KVM is not usable (/dev/kvm: No such file or directory), falling back to "
            "TCG emulation (slow)");
}

TEST(ChooseAccel, EnvironmentBeatsAuto) {
  AccelChoice c;
  std::string err;
  ASSERT_TRUE(ChooseAccel("", "tcg", kKvmOk, &c, &err));
  EXPECT_EQ(c.accel, "tcg");
  EXPECT_EQ(c.warning, "");
}

TEST(ChooseAccel, SpecBeatsEnvironment) {
  AccelChoice c;
  std::string err;
  ASSERT_TRUE(ChooseAccel("tcg", "kvm", kNoKvm, &c, &err));
  EXPECT_EQ(c.accel, "tcg");
}

TEST(ChooseAccel, ExplicitKvmWithoutKvmIsAnError) {
  AccelChoice c;
  std::string err;
  EXPECT_FALSE(ChooseAccel("kvm", nullptr, kNoKvm, &c, &err));
  EXPECT_EQ(err,
            "the VM spec asks for accel kvm, but KVM is not usable: /dev/kvm: No such file or "
            "directory");
  EXPECT_FALSE(ChooseAccel("", "kvm", kNoKvm, &c, &err));
  EXPECT_EQ(err,
            "QEMU_COMPOSE_ACCEL asks for accel kvm, but KVM is not usable: /dev/kvm: No such "
            "file or directory");
}

TEST(ChooseAccel, BadEnvironmentValueIsAnError) {
  AccelChoice c;
  std::string err;
  EXPECT_FALSE(ChooseAccel("", "xen", kKvmOk, &c, &err));
  EXPECT_EQ(err, "QEMU_COMPOSE_ACCEL asks for accel \"xen\": use kvm or tcg");
}

}  // namespace
}  // namespace qc::runner
