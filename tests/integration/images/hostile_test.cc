// Hostile images: a qcow2 backed by a host file, one with an external data
// file, a vmdk whose extent is a host file, a qcow2 claiming an exabyte.
// Each is refused with a reason, nothing is cached, and (proved with
// inotify) the host file is never opened, by us or by qemu-img.
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "images_fixture.h"

namespace qc::itest {
namespace {

// Counts opens of the files it watches (IN_OPEN), for as long as it lives.
class OpenWatch {
 public:
  OpenWatch() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}
  ~OpenWatch() { close(fd_); }
  bool Add(const std::string& path) { return inotify_add_watch(fd_, path.c_str(), IN_OPEN) >= 0; }
  int Opens() {
    int n = 0;
    alignas(inotify_event) char buf[4096];
    for (;;) {
      ssize_t got = read(fd_, buf, sizeof(buf));
      if (got <= 0) {
        return n;
      }
      for (char* p = buf; p < buf + got;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        n += (ev->mask & IN_OPEN) != 0 ? 1 : 0;
        p += sizeof(inotify_event) + ev->len;
      }
    }
  }

 private:
  int fd_;
};

class HostileImages : public ImagesTest {
 protected:
  void SetUp() override {
    ImagesTest::SetUp();
    // World-readable markers: if anything followed the image to them, the
    // open would succeed, and inotify would see it.
    marker_ = server_.dir() + "/marker";
    CmdResult made = server_.Shell(
        "echo secret > marker && chmod 644 marker && "
        "qemu-img create -q -f qcow2 -u -F raw -b /etc/shadow shadow.qcow2 1M && "
        "qemu-img create -q -f qcow2 -u -F raw -b " +
        marker_ +
        " backed.qcow2 1M && "
        "qemu-img create -q -f qcow2 -o data_file=" +
        server_.dir() +
        "/datafile datafile.qcow2 1M && "
        "chmod 644 datafile && "
        "printf '# Disk DescriptorFile\\nversion=1\\nCID=fffffffe\\nparentCID=ffffffff\\n"
        "createType=\"monolithicFlat\"\\nRW 2048 FLAT \"" +
        marker_ +
        "\" 0\\n' > extent.vmdk && "
        "qemu-img create -q -f qcow2 huge.qcow2 1M && "
        "printf '\\100\\0\\0\\0\\0\\0\\0\\0' | dd of=huge.qcow2 bs=1 seek=24 conv=notrunc "
        "2>/dev/null && "
        "chmod 644 *.qcow2 *.vmdk");
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ASSERT_TRUE(watch_.Add(marker_));
    ASSERT_TRUE(watch_.Add(server_.dir() + "/datafile"));
    ASSERT_EQ(watch_.Opens(), 0);
  }
  std::string marker_;
  OpenWatch watch_;
};

TEST_F(HostileImages, AreRefusedWithoutOpeningTheHostFile) {
  struct Case {
    std::string file;
    std::string reason;
  };
  for (const Case& c : std::vector<Case>{
           {"shadow.qcow2", "has a backing file '/etc/shadow'"},
           {"backed.qcow2", "has a backing file '" + marker_ + "'"},
           {"datafile.qcow2", "has an external data file '" + server_.dir() + "/datafile'"},
           {"extent.vmdk", "is in the vmdk (descriptor) format; only qcow2 and raw are accepted"},
           {"huge.qcow2", "claims a virtual size of 4611686018427387904 bytes (more than 4 TiB)"},
       }) {
    UseImage(ImageServer::Url("files/" + c.file));
    CmdResult r = Qc("pull -q");
    EXPECT_EQ(r.exit_code, 1) << c.file;
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("refused: the image " + c.reason), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nothing was cached"), std::string::npos) << r.err;
  }
  EXPECT_EQ(watch_.Opens(), 0) << "a host file named by an image was opened";
  EXPECT_TRUE(CacheFiles(".img").empty());
  EXPECT_TRUE(CacheFiles(".partial").empty());

  // The watch does see an open (so the 0 above means something).
  std::ifstream(marker_).get();
  EXPECT_EQ(watch_.Opens(), 1);
}

TEST_F(HostileImages, LocalFileIsRefusedByUpBeforeQemuSeesIt) {
  std::string local = project_ + "/backed.qcow2";
  ASSERT_EQ(ns_.Run("cp " + server_.dir() + "/backed.qcow2 " + local + " && chown " + UserA().name +
                    " " + local)
                .exit_code,
            0);
  WriteFile(project_ + "/qemu-compose.yaml",
            "vms:\n  v:\n    image: ./backed.qcow2\n    kernel: " + GetInstall().guest_kernel +
                "\n    initrd: " + GetInstall().guest_initrd +
                "\n    accel: tcg\n    memory: 256M\n");
  CmdResult up = Qc("up");
  EXPECT_EQ(up.exit_code, 1) << up.out << up.err;
  EXPECT_NE(up.err.find("has a backing file '" + marker_ + "'"), std::string::npos) << up.err;
  EXPECT_FALSE(std::filesystem::exists(project_ + "/.qemu-compose/v/disk.qcow2"));
  EXPECT_EQ(watch_.Opens(), 0) << "a host file named by an image was opened";
  Qc("down --force");
}

}  // namespace
}  // namespace qc::itest
