// Moves the test process into its own network namespace before any test runs,
// and fails every test if that is impossible: these tests must never change
// the host's namespace. Child processes (nft, ip) inherit the namespace.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/stat.h>

namespace {

ino_t NetnsInode() {
  struct stat st {};
  return stat("/proc/self/ns/net", &st) == 0 ? st.st_ino : 0;
}

class PrivateNetns : public ::testing::Environment {
 public:
  void SetUp() override {
    const ino_t before = NetnsInode();
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "cannot unshare a network namespace (run as root)";
    ASSERT_NE(NetnsInode(), 0U);
    ASSERT_NE(NetnsInode(), before) << "still in the original network namespace";
  }
};

const auto* const kPrivateNetns = ::testing::AddGlobalTestEnvironment(new PrivateNetns);

}  // namespace
