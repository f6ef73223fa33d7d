#include "paths/exe_paths.h"

#include <gtest/gtest.h>

namespace qc::paths {
namespace {

TEST(ExePaths, LibexecIsBesideBin) {
  EXPECT_EQ(LibexecDirFor("/usr/local/bin/qemu-compose", "libexec/qemu-compose"),
            "/usr/local/libexec/qemu-compose");
  EXPECT_EQ(LibexecDirFor("/tmp/build/bin/qemu-compose", "libexec/qemu-compose"),
            "/tmp/build/libexec/qemu-compose");
}

}  // namespace
}  // namespace qc::paths
