// Each kind of bad spec is refused with a message naming the problem.
#include "spec_validate.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

#include "test_specs.h"

namespace qc::runner {
namespace {

using qc::vm::VmSpec;

struct BadCase {
  const char* label;
  std::function<void(VmSpec*)> mutate;
  std::size_t fd_count;
  std::string message;
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.label;
}

class RejectsSpec : public ::testing::TestWithParam<BadCase> {};

TEST_P(RejectsSpec, WithMessage) {
  VmSpec spec = testing::MinimalSpec();
  GetParam().mutate(&spec);
  std::string err;
  EXPECT_FALSE(ValidateSpecFields(spec, GetParam().fd_count, &err));
  EXPECT_EQ(err, GetParam().message);
}

qc::vm::Nic* UserNic(VmSpec* s) {
  auto* nic = s->add_nics();
  nic->set_mac("52:54:00:01:02:03");
  nic->set_user_mode(true);
  return nic;
}

void AddForward(qc::vm::Nic* nic, unsigned host, unsigned guest, const char* proto = "") {
  auto* f = nic->add_forwards();
  f->set_host_port(host);
  f->set_guest_port(guest);
  f->set_protocol(proto);
}

const char* kRoot = "/home/u/p/.qemu-compose";

INSTANTIATE_TEST_SUITE_P(
    Fields, RejectsSpec,
    ::testing::Values(
        BadCase{"EmptyName", [](VmSpec* s) { s->set_name(""); }, 0,
                "name \"\" is invalid: must match [a-z0-9][a-z0-9-]{0,62}"},
        BadCase{"UpperCaseName", [](VmSpec* s) { s->set_name("Web"); }, 0,
                "name \"Web\" is invalid: must match [a-z0-9][a-z0-9-]{0,62}"},
        BadCase{"NameWithComma", [](VmSpec* s) { s->set_name("a,process=x"); }, 0,
                "name \"a,process=x\" is invalid: must match [a-z0-9][a-z0-9-]{0,62}"},
        BadCase{"NameTooLong", [](VmSpec* s) { s->set_name(std::string(64, 'a')); }, 0,
                "name \"" + std::string(64, 'a') +
                    "\" is invalid: must match [a-z0-9][a-z0-9-]{0,62}"},
        BadCase{"ProjectLeadingDash", [](VmSpec* s) { s->set_project("-p"); }, 0,
                "project \"-p\" is invalid: must match [a-z0-9][a-z0-9-]{0,62}"},
        BadCase{"ZeroCpus", [](VmSpec* s) { s->set_cpus(0); }, 0,
                "cpus must be between 1 and 64, got 0"},
        BadCase{"TooManyCpus", [](VmSpec* s) { s->set_cpus(65); }, 0,
                "cpus must be between 1 and 64, got 65"},
        BadCase{"TooLittleMemory", [](VmSpec* s) { s->set_memory_mb(63); }, 0,
                "memory_mb must be between 64 and 1048576, got 63"},
        BadCase{"TooMuchMemory", [](VmSpec* s) { s->set_memory_mb(1048577); }, 0,
                "memory_mb must be between 64 and 1048576, got 1048577"},
        BadCase{"UnknownAccel", [](VmSpec* s) { s->set_accel("hvf"); }, 0,
                "accel \"hvf\" is invalid: use kvm, tcg or leave it empty"},
        BadCase{"MachineWithOptions", [](VmSpec* s) { s->set_machine("q35,accel=kvm"); }, 0,
                "machine \"q35,accel=kvm\" is invalid: must match [a-z0-9][a-z0-9._-]{0,63}"},
        BadCase{"RelativeStateRoot", [](VmSpec* s) { s->set_state_root("p/.qemu-compose"); }, 0,
                "state_root \"p/.qemu-compose\" must be an absolute path"},
        BadCase{"DotDotInstanceDir",
                [](VmSpec* s) { s->set_instance_dir("/home/u/p/.qemu-compose/../../x"); }, 0,
                "instance_dir \"/home/u/p/.qemu-compose/../../x\" must not contain \"..\""},
        BadCase{"InstanceDirOutsideStateRoot",
                [](VmSpec* s) { s->set_instance_dir("/home/u/p/.qemu-composer/web"); }, 0,
                "instance_dir \"/home/u/p/.qemu-composer/web\" is not inside state_root "
                "\"/home/u/p/.qemu-compose\""},
        BadCase{"InstanceDirIsStateRoot", [](VmSpec* s) { s->set_instance_dir(kRoot); }, 0,
                "instance_dir \"/home/u/p/.qemu-compose\" is not inside state_root "
                "\"/home/u/p/.qemu-compose\""},
        BadCase{"NewlineInPath",
                [](VmSpec* s) { s->set_instance_dir("/home/u/p/.qemu-compose/w\neb"); }, 0,
                "instance_dir \"/home/u/p/.qemu-compose/w\neb\" contains control characters"},
        BadCase{"InstanceDirTooLongForSocket",
                [](VmSpec* s) { s->set_instance_dir(std::string(kRoot) + "/" + std::string(80, 'x')); },
                0,
                "instance_dir \"/home/u/p/.qemu-compose/" + std::string(80, 'x') +
                    "\" is too long for a unix socket path (at most 94 bytes)"},
        BadCase{"RelativeQemuBinary", [](VmSpec* s) { s->set_qemu_binary("qemu"); }, 0,
                "qemu_binary \"qemu\" must be an absolute path"},
        BadCase{"DiskOutsideStateRoot",
                [](VmSpec* s) {
                  auto* d = s->add_disks();
                  d->set_path("/etc/shadow");
                  d->set_format("raw");
                },
                0, "disk 0 \"/etc/shadow\" is not inside state_root \"/home/u/p/.qemu-compose\""},
        BadCase{"DiskUnknownFormat",
                [](VmSpec* s) {
                  auto* d = s->add_disks();
                  d->set_path("/home/u/p/.qemu-compose/web/d.vmdk");
                  d->set_format("vmdk");
                },
                0, "disk 0: format \"vmdk\" is invalid: use qcow2 or raw"},
        // The serial becomes part of QEMU's -device option list: no ',' (a
        // second option) and nothing a udev by-id name would mangle.
        BadCase{"DiskSerialInjectsOption",
                [](VmSpec* s) {
                  auto* d = s->add_disks();
                  d->set_path("/home/u/p/.qemu-compose/volumes/data.qcow2");
                  d->set_format("qcow2");
                  d->set_serial("data,drive=x");
                },
                0, "disk 0: serial \"data,drive=x\" is invalid: must match [a-z0-9_-]{0,20}"},
        BadCase{"SharedDirRelative",
                [](VmSpec* s) {
                  auto* d = s->add_shared_dirs();
                  d->set_source("site");
                  d->set_tag("share0");
                },
                0, "shared_dir 0 \"site\" must be an absolute path"},
        BadCase{"SharedDirDotDot",
                [](VmSpec* s) {
                  auto* d = s->add_shared_dirs();
                  d->set_source("/home/u/p/../../etc");
                  d->set_tag("share0");
                },
                0, "shared_dir 0 \"/home/u/p/../../etc\" must not contain \"..\""},
        BadCase{"SharedDirCommaInjectsVirtiofsdOption",
                [](VmSpec* s) {
                  auto* d = s->add_shared_dirs();
                  d->set_source("/home/u/p/site,sandbox=chroot");
                  d->set_tag("share0");
                },
                0, "shared_dir 0 \"/home/u/p/site,sandbox=chroot\" contains a comma"},
        BadCase{"SharedDirTagInjectsOption",
                [](VmSpec* s) {
                  auto* d = s->add_shared_dirs();
                  d->set_source("/home/u/p/site");
                  d->set_tag("x,chardev=y");
                },
                0, "shared_dir 0: tag \"x,chardev=y\" is invalid: must match "
                   "[a-z0-9][a-z0-9:-]{0,30}"},
        BadCase{"SharedDirTagTwice",
                [](VmSpec* s) {
                  for (int i = 0; i < 2; ++i) {
                    auto* d = s->add_shared_dirs();
                    d->set_source("/home/u/p/site");
                    d->set_tag("share0");
                  }
                },
                0, "shared_dir 1: tag \"share0\" is used twice"},
        BadCase{"DiskSerialTooLong",
                [](VmSpec* s) {
                  auto* d = s->add_disks();
                  d->set_path("/home/u/p/.qemu-compose/volumes/data.qcow2");
                  d->set_format("qcow2");
                  d->set_serial(std::string(21, 'a'));
                },
                0, "disk 0: serial \"" + std::string(21, 'a') +
                       "\" is invalid: must match [a-z0-9_-]{0,20}"},
        BadCase{"FirmwareVarsOutsideTheInstance",
                [](VmSpec* s) {
                  s->set_firmware_code("/usr/share/OVMF/OVMF_CODE_4M.fd");
                  s->set_firmware_vars("/usr/share/OVMF/OVMF_VARS_4M.fd");
                },
                0,
                "firmware_vars \"/usr/share/OVMF/OVMF_VARS_4M.fd\" is not inside instance_dir "
                "\"/home/u/p/.qemu-compose/web\""},
        BadCase{"FirmwareCodeWithoutVars",
                [](VmSpec* s) { s->set_firmware_code("/usr/share/OVMF/OVMF_CODE_4M.fd"); }, 0,
                "firmware_code and firmware_vars go together"},
        BadCase{"RelativeFirmwareCode",
                [](VmSpec* s) {
                  s->set_firmware_code("OVMF_CODE.fd");
                  s->set_firmware_vars("/home/u/p/.qemu-compose/web/efi-vars.fd");
                },
                0, "firmware_code \"OVMF_CODE.fd\" must be an absolute path"},
        BadCase{"RelativeKernel", [](VmSpec* s) { s->set_kernel("vmlinuz"); }, 0,
                "kernel \"vmlinuz\" must be an absolute path"},
        BadCase{"InitrdWithoutKernel", [](VmSpec* s) { s->clear_kernel(); }, 0,
                "initrd and cmdline need a kernel"},
        BadCase{"NothingToBoot",
                [](VmSpec* s) {
                  s->clear_kernel();
                  s->clear_initrd();
                  s->clear_cmdline();
                },
                0, "nothing to boot: give a kernel or at least one disk"},
        BadCase{"BadMac",
                [](VmSpec* s) { UserNic(s)->set_mac("52:54:00:zz:00:01"); }, 0,
                "nic 0: mac \"52:54:00:zz:00:01\" is invalid: expected six hex octets like "
                "52:54:00:12:34:56"},
        BadCase{"MulticastMac", [](VmSpec* s) { UserNic(s)->set_mac("01:00:5e:00:00:01"); }, 0,
                "nic 0: mac \"01:00:5e:00:00:01\" is a multicast address"},
        BadCase{"DuplicateMac",
                [](VmSpec* s) {
                  UserNic(s);
                  UserNic(s)->set_mac("52:54:00:01:02:03");
                },
                0, "nic 1: mac 52:54:00:01:02:03 is used by another NIC"},
        BadCase{"NicWithoutBackend",
                [](VmSpec* s) { s->add_nics()->set_mac("52:54:00:01:02:03"); }, 0,
                "nic 0: has neither TAP fds nor user_mode"},
        BadCase{"UserNicWithTap",
                [](VmSpec* s) { UserNic(s)->add_tap_fd_index(0); }, 1,
                "nic 0: a user_mode NIC must not name TAP fds, tap_name or bridge"},
        BadCase{"ForwardOnTapNic",
                [](VmSpec* s) {
                  AddForward(testing::AddTapNic(s, "52:54:00:01:02:03", {0}), 2222, 22);
                },
                1, "nic 0: port forwards need user_mode networking"},
        BadCase{"ForwardPortZero", [](VmSpec* s) { AddForward(UserNic(s), 0, 22); }, 0,
                "nic 0: port forward 0->22 is out of range 1..65535"},
        BadCase{"ForwardPortTooHigh", [](VmSpec* s) { AddForward(UserNic(s), 2222, 70000); }, 0,
                "nic 0: port forward 2222->70000 is out of range 1..65535"},
        BadCase{"ForwardBadProtocol", [](VmSpec* s) { AddForward(UserNic(s), 2222, 22, "sctp"); },
                0, "nic 0: port forward protocol \"sctp\" is invalid: use tcp or udp"},
        BadCase{"ForwardHostPortTwice",
                [](VmSpec* s) {
                  auto* nic = UserNic(s);
                  AddForward(nic, 2222, 22);
                  AddForward(nic, 2222, 80, "tcp");
                },
                0, "nic 0: host port 2222/tcp is forwarded twice"},
        BadCase{"BadTapName",
                [](VmSpec* s) {
                  testing::AddTapNic(s, "52:54:00:01:02:03", {0})->set_tap_name("eth0");
                },
                1, "nic 0: tap_name \"eth0\" is invalid: must match tap-[a-z0-9-]{1,11}"},
        BadCase{"BadBridgeName",
                [](VmSpec* s) {
                  testing::AddTapNic(s, "52:54:00:01:02:03", {0})->set_bridge("docker0");
                },
                1, "nic 0: bridge \"docker0\" is invalid: must match qc-[a-z0-9-]{1,12}"},
        BadCase{"FdIndexOutOfRange",
                [](VmSpec* s) { testing::AddTapNic(s, "52:54:00:01:02:03", {1}); }, 1,
                "nic 0: tap_fd_index 1 but only 1 fds were passed"},
        BadCase{"FdIndexTwice",
                [](VmSpec* s) { testing::AddTapNic(s, "52:54:00:01:02:03", {0, 0}); }, 2,
                "nic 0: tap_fd_index 0 is used twice"},
        BadCase{"TooManyQueues",
                [](VmSpec* s) {
                  testing::AddTapNic(s, "52:54:00:01:02:03", {0, 1, 2, 3, 4, 5, 6, 7, 8});
                },
                9, "nic 0: 9 TAP fds, at most 8"},
        BadCase{"UnusedFd", [](VmSpec* s) { testing::AddTapNic(s, "52:54:00:01:02:03", {0}); },
                2, "2 fds were passed but the NICs use 1"}));

TEST(ValidateSpecFields, AcceptsMinimalAndFullSpecs) {
  std::string err;
  VmSpec spec = testing::MinimalSpec();
  EXPECT_TRUE(ValidateSpecFields(spec, 0, &err)) << err;
  spec.set_accel("tcg");
  spec.set_machine("pc-q35-7.2");
  spec.set_state_root("/home/u/p/.qemu-compose/");  // trailing slash is fine
  auto* disk = spec.add_disks();
  disk->set_path("/home/u/p/.qemu-compose/web/root.qcow2");
  disk->set_format("qcow2");
  testing::AddTapNic(&spec, "52:54:00:AA:bb:01", {1, 0});
  AddForward(UserNic(&spec), 2222, 22);
  EXPECT_TRUE(ValidateSpecFields(spec, 2, &err)) << err;
}

// Host checks use a real temporary directory.
class HostPaths : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qc-runner-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    ASSERT_EQ(mkdir((root_ + "/web").c_str(), 0700), 0);
    Write(root_ + "/vmlinuz");
    spec_ = testing::MinimalSpec();
    spec_.set_state_root(root_);
    spec_.set_instance_dir(root_ + "/web");
    spec_.set_kernel(root_ + "/vmlinuz");
    spec_.clear_initrd();
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + root_ + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  static void Write(const std::string& path) { std::ofstream(path) << "x"; }

  std::string root_;
  VmSpec spec_;
};

TEST_F(HostPaths, AcceptsExistingInputs) {
  std::string err;
  EXPECT_TRUE(CheckHostPaths(spec_, &err)) << err;
}

TEST_F(HostPaths, MissingInstanceDir) {
  spec_.set_instance_dir(root_ + "/db");
  std::string err;
  EXPECT_FALSE(CheckHostPaths(spec_, &err));
  EXPECT_EQ(err, "instance_dir " + root_ + "/db: No such file or directory");
}

TEST_F(HostPaths, InstanceDirIsAFile) {
  Write(root_ + "/db");
  spec_.set_instance_dir(root_ + "/db");
  std::string err;
  EXPECT_FALSE(CheckHostPaths(spec_, &err));
  EXPECT_EQ(err, "instance_dir " + root_ + "/db is not a directory");
}

TEST_F(HostPaths, MissingKernel) {
  spec_.set_kernel(root_ + "/nope");
  std::string err;
  EXPECT_FALSE(CheckHostPaths(spec_, &err));
  EXPECT_EQ(err, "kernel " + root_ + "/nope: No such file or directory");
}

TEST_F(HostPaths, InitrdIsADirectory) {
  spec_.set_initrd(root_ + "/web");
  std::string err;
  EXPECT_FALSE(CheckHostPaths(spec_, &err));
  EXPECT_EQ(err, "initrd " + root_ + "/web is not a regular file");
}

TEST_F(HostPaths, MissingDisk) {
  auto* disk = spec_.add_disks();
  disk->set_path(root_ + "/web/root.qcow2");
  disk->set_format("qcow2");
  std::string err;
  EXPECT_FALSE(CheckHostPaths(spec_, &err));
  EXPECT_EQ(err, "disk 0 " + root_ + "/web/root.qcow2: No such file or directory");
}

}  // namespace
}  // namespace qc::runner
