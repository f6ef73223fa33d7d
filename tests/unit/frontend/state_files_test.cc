#include "state/state_files.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "state/atomic_file.h"
#include "state/project_lock.h"

namespace qc::state {
namespace {

class StateFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qc-state-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(StateFilesTest, NetworksRoundTrip) {
  NetworksFile f;
  NetworkState n;
  n.subnet = "172.16.0.0/24";
  n.config_hash = "0123456789abcdef";
  n.dnsmasq_active = true;
  n.bridge = "qc-abcdef-backe";
  n.gateway = "172.16.0.1";
  n.dnsmasq_pid = 4242;
  n.domain = "demo.qc";
  n.reservations = {{"web", "52:54:00:f8:55:93", "172.16.0.10", "web"}};
  f["backend"] = n;
  std::string err;
  ASSERT_TRUE(SaveNetworks(dir_ + "/networks.json", f, &err)) << err;
  NetworksFile back;
  ASSERT_TRUE(LoadNetworks(dir_ + "/networks.json", &back, &err)) << err;
  EXPECT_EQ(back, f);
}

TEST_F(StateFilesTest, NetworksJsonHasTheOriginalsFields) {
  NetworksFile f;
  f["backend"] = NetworkState{};
  std::string text = SerializeNetworks(f);
  for (const char* key : {"\"subnet\"", "\"driver\"", "\"dnsmasq_unit\"", "\"dnsmasq_active\"",
                          "\"bridge\"", "\"gateway\"", "\"dnsmasq_pid\"", "\"reservations\""}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
}

TEST_F(StateFilesTest, VmAndPortsRoundTrip) {
  VmState vm;
  vm.name = "web";
  vm.config_hash = "abc123";
  vm.config = R"({"cpu":1,"memory":"512M"})";
  vm.nics = {{"backend", "52:54:00:00:00:01", "172.16.0.10", "tap-x", "qc-y"}};
  vm.port = 2222;
  vm.pid = 4321;
  vm.pid_start = 1234567;
  vm.created = "2026-01-01T00:00:00Z";
  std::string err;
  ASSERT_TRUE(SaveVm(dir_ + "/vm.json", vm, &err)) << err;
  VmState back;
  bool exists = false;
  ASSERT_TRUE(LoadVm(dir_ + "/vm.json", &back, &exists, &err)) << err;
  EXPECT_TRUE(exists);
  EXPECT_EQ(back, vm);
  PortsFile ports{{"tools", 2223}};
  ASSERT_TRUE(SavePorts(dir_ + "/ports.json", ports, &err)) << err;
  PortsFile pback;
  ASSERT_TRUE(LoadPorts(dir_ + "/ports.json", &pback, &err)) << err;
  EXPECT_EQ(pback, ports);
}

TEST_F(StateFilesTest, MissingFilesLoadEmptyCorruptFilesNameTheFile) {
  NetworksFile f;
  std::string err;
  EXPECT_TRUE(LoadNetworks(dir_ + "/none.json", &f, &err));
  EXPECT_TRUE(f.empty());
  std::string path = dir_ + "/networks.json";
  ASSERT_TRUE(WriteFileAtomic(path, "{\"backend\": {\"subnet\": ", &err));
  EXPECT_FALSE(LoadNetworks(path, &f, &err));
  EXPECT_NE(err.find(path), std::string::npos) << err;
  ASSERT_TRUE(WriteFileAtomic(path, "[1,2]", &err));
  EXPECT_FALSE(LoadNetworks(path, &f, &err));
}

TEST_F(StateFilesTest, ReaderNeverSeesAPartialFile) {
  // Two distinct complete contents of very different sizes; a reader racing
  // the writer must always see one of them in full.
  const std::string a(200000, 'a');
  const std::string b(10, 'b');
  std::string path = dir_ + "/f";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, a, &err));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done) {
      std::string got, rerr;
      if (ReadWholeFile(path, &got, &rerr) && got != a && got != b) ++bad;
    }
  });
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(WriteFileAtomic(path, i % 2 ? a : b, &err)) << err;
  done = true;
  reader.join();
  EXPECT_EQ(bad, 0);
  // No temp files left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(StateFilesTest, ProjectLockIsExclusiveAcrossProcesses) {
  std::string lock = dir_ + "/lock";
  ProjectLock held;
  std::string err;
  ASSERT_TRUE(held.Acquire(lock, nullptr, &err)) << err;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ProjectLock other;
    std::string e;
    _exit(other.TryAcquire(lock, &e) ? 1 : (e.empty() ? 0 : 2));
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_EQ(WEXITSTATUS(status), 0);  // the child was refused, without an error
}

}  // namespace
}  // namespace qc::state
