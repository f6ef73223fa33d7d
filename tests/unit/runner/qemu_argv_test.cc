// Exact QEMU command lines for each kind of spec.
#include "qemu_argv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_specs.h"

namespace qc::runner {
namespace {

using Argv = std::vector<std::string>;

QemuHostFacts TcgFacts() {
  QemuHostFacts f;
  f.qemu_binary = "/usr/bin/qemu-system-x86_64";
  f.accel = "tcg";
  return f;
}

// Everything every VM gets, in order, for MinimalSpec() with `accel`.
Argv CommonPrefix(const std::string& accel) {
  const std::string d = "/home/u/p/.qemu-compose/web";
  return {"/usr/bin/qemu-system-x86_64",
          "-name",
          "guest=web,process=qc-demo-web",
          "-machine",
          "q35,accel=" + accel,
          "-smp",
          "2",
          "-m",
          "512",
          "-nodefaults",
          "-no-user-config",
          "-display",
          "none",
          "-sandbox",
          "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
          "-pidfile",
          d + "/qemu.pid",
          "-qmp",
          "unix:" + d + "/qmp.sock,server=on,wait=off",
          "-chardev",
          "socket,id=con0,path=" + d + "/console.sock,server=on,wait=off,logfile=" + d +
              "/serial.log,logappend=on",
          "-serial",
          "chardev:con0"};
}

Argv Concat(Argv a, const Argv& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const Argv kDirectBoot = {"-kernel", "/srv/guest/vmlinuz",
                          "-initrd", "/srv/guest/initramfs.gz",
                          "-append", "console=ttyS0 qc.hostname=web"};

TEST(QemuArgv, DirectKernelBootWithTcg) {
  EXPECT_EQ(BuildQemuArgv(testing::MinimalSpec(), TcgFacts()),
            Concat(CommonPrefix("tcg"), kDirectBoot));
}

TEST(QemuArgv, KvmAndCustomMachine) {
  auto spec = testing::MinimalSpec();
  spec.set_machine("pc");
  auto facts = TcgFacts();
  facts.accel = "kvm";
  Argv want = Concat(CommonPrefix("kvm"), kDirectBoot);
  want[4] = "pc,accel=kvm";
  EXPECT_EQ(BuildQemuArgv(spec, facts), want);
}

TEST(QemuArgv, KernelWithoutInitrdOrCmdline) {
  auto spec = testing::MinimalSpec();
  spec.clear_initrd();
  spec.clear_cmdline();
  EXPECT_EQ(BuildQemuArgv(spec, TcgFacts()),
            Concat(CommonPrefix("tcg"), {"-kernel", "/srv/guest/vmlinuz"}));
}

TEST(QemuArgv, DisksReadWriteAndReadOnly) {
  auto spec = testing::MinimalSpec();
  spec.clear_kernel();
  spec.clear_initrd();
  spec.clear_cmdline();
  auto* root = spec.add_disks();
  root->set_path("/home/u/p/.qemu-compose/web/root.qcow2");
  root->set_format("qcow2");
  auto* seed = spec.add_disks();
  seed->set_path("/home/u/p/.qemu-compose/web/seed.img");
  seed->set_format("raw");
  seed->set_readonly(true);
  auto* volume = spec.add_disks();
  volume->set_path("/home/u/p/.qemu-compose/volumes/pg_data.qcow2");
  volume->set_format("qcow2");
  volume->set_serial("pg_data");
  EXPECT_EQ(BuildQemuArgv(spec, TcgFacts()),
            Concat(CommonPrefix("tcg"),
                   {"-drive",
                    "file=/home/u/p/.qemu-compose/web/root.qcow2,if=none,id=disk0,format=qcow2,"
                    "cache=writeback",
                    "-device", "virtio-blk-pci,drive=disk0", "-drive",
                    "file=/home/u/p/.qemu-compose/web/seed.img,if=none,id=disk1,format=raw,"
                    "cache=writeback,readonly=on",
                    "-device", "virtio-blk-pci,drive=disk1", "-drive",
                    "file=/home/u/p/.qemu-compose/volumes/pg_data.qcow2,if=none,id=disk2,"
                    "format=qcow2,cache=writeback",
                    "-device", "virtio-blk-pci,drive=disk2,serial=pg_data"}));
}

TEST(QemuArgv, UefiBootsOvmfFromTwoFlashChips) {
  auto spec = testing::MinimalSpec();
  spec.clear_kernel();
  spec.clear_initrd();
  spec.clear_cmdline();
  spec.set_firmware_code("/usr/share/OVMF/OVMF_CODE_4M.fd");
  spec.set_firmware_vars("/home/u/p/.qemu-compose/web/efi-vars.fd");
  auto* root = spec.add_disks();
  root->set_path("/home/u/p/.qemu-compose/web/root.qcow2");
  root->set_format("qcow2");
  EXPECT_EQ(
      BuildQemuArgv(spec, TcgFacts()),
      Concat(
          CommonPrefix("tcg"),
          {"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
           "-drive", "if=pflash,format=raw,unit=1,file=/home/u/p/.qemu-compose/web/efi-vars.fd",
           "-drive",
           "file=/home/u/p/.qemu-compose/web/"
           "root.qcow2,if=none,id=disk0,format=qcow2,cache=writeback",
           "-device", "virtio-blk-pci,drive=disk0"}));
}

TEST(QemuArgv, CommasInPathsAreEscapedForQemuOptions) {
  auto spec = testing::MinimalSpec();
  spec.set_state_root("/home/u/a,b/.qemu-compose");
  spec.set_instance_dir("/home/u/a,b/.qemu-compose/web");
  auto* disk = spec.add_disks();
  disk->set_path("/home/u/a,b/.qemu-compose/web/d,file=x.raw");
  disk->set_format("raw");
  Argv argv = BuildQemuArgv(spec, TcgFacts());
  EXPECT_EQ(argv[16], "/home/u/a,b/.qemu-compose/web/qemu.pid");  // -pidfile: not an option list
  EXPECT_EQ(argv[18], "unix:/home/u/a,,b/.qemu-compose/web/qmp.sock,server=on,wait=off");
  EXPECT_EQ(argv[argv.size() - 3],
            "file=/home/u/a,,b/.qemu-compose/web/d,,file=x.raw,if=none,id=disk0,format=raw,cache="
            "writeback");
}

TEST(QemuArgv, SharedDirsOverVirtiofsAnd9p) {
  auto spec = testing::MinimalSpec();
  spec.clear_kernel();
  spec.clear_initrd();
  spec.clear_cmdline();
  auto* site = spec.add_shared_dirs();
  site->set_source("/home/u/p/site");
  site->set_tag("share0");
  site->set_readonly(true);
  auto* old = spec.add_shared_dirs();
  old->set_source("/home/u/p/old");
  old->set_tag("share1");
  old->set_transport(qc::vm::SharedDir::NINEP);
  old->set_readonly(true);
  Argv argv = BuildQemuArgv(spec, TcgFacts());
  const Argv tail(argv.begin() + static_cast<long>(CommonPrefix("tcg").size()), argv.end());
  // virtiofs: guest RAM virtiofsd can map, then the vhost-user device; the
  // read-only part is the host's bind mount (qc-fsd), not an option here.
  EXPECT_EQ(tail, (Argv{"-object", "memory-backend-memfd,id=mem,size=512M,share=on", "-numa",
                        "node,memdev=mem", "-chardev",
                        "socket,id=fs0,path=/home/u/p/.qemu-compose/web/fs0.sock", "-device",
                        "vhost-user-fs-pci,chardev=fs0,tag=share0", "-virtfs",
                        "local,path=/home/u/p/old,mount_tag=share1,security_model=none,id=fs1,"
                        "readonly=on"}));
}

TEST(QemuArgv, BridgeNicSingleQueue) {
  auto spec = testing::MinimalSpec();
  testing::AddTapNic(&spec, "52:54:00:aa:bb:cc", {0});
  auto facts = TcgFacts();
  facts.tap_fds = {7};
  EXPECT_EQ(BuildQemuArgv(spec, facts),
            Concat(Concat(CommonPrefix("tcg"), kDirectBoot),
                   {"-netdev", "tap,id=net0,fd=7", "-device",
                    "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc"}));
}

TEST(QemuArgv, BridgeNicWithVhost) {
  auto spec = testing::MinimalSpec();
  testing::AddTapNic(&spec, "52:54:00:aa:bb:cc", {0});
  auto facts = TcgFacts();
  facts.tap_fds = {7};
  facts.vhost_fds = {9};
  EXPECT_EQ(BuildQemuArgv(spec, facts),
            Concat(Concat(CommonPrefix("tcg"), kDirectBoot),
                   {"-netdev", "tap,id=net0,fd=7,vhost=on,vhostfd=9", "-device",
                    "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc"}));
}

TEST(QemuArgv, MultiqueueBridgeNicWithVhost) {
  auto spec = testing::MinimalSpec();
  testing::AddTapNic(&spec, "52:54:00:aa:bb:cc", {1, 0});
  auto facts = TcgFacts();
  facts.tap_fds = {5, 6};
  facts.vhost_fds = {8, 9};
  EXPECT_EQ(BuildQemuArgv(spec, facts),
            Concat(Concat(CommonPrefix("tcg"), kDirectBoot),
                   {"-netdev", "tap,id=net0,fds=6:5,vhost=on,vhostfds=9:8", "-device",
                    "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc,mq=on,vectors=6"}));
}

TEST(QemuArgv, MultiqueueWithoutVhost) {
  auto spec = testing::MinimalSpec();
  testing::AddTapNic(&spec, "52:54:00:aa:bb:cc", {0, 1, 2});
  auto facts = TcgFacts();
  facts.tap_fds = {4, 5, 6};
  Argv argv = BuildQemuArgv(spec, facts);
  ASSERT_GE(argv.size(), 4U);
  EXPECT_EQ(Argv(argv.end() - 4, argv.end()),
            (Argv{"-netdev", "tap,id=net0,fds=4:5:6", "-device",
                  "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc,mq=on,vectors=8"}));
}

TEST(QemuArgv, UserModeNicWithForwards) {
  auto spec = testing::MinimalSpec();
  auto* nic = spec.add_nics();
  nic->set_mac("52:54:00:01:02:03");
  nic->set_user_mode(true);
  auto* ssh = nic->add_forwards();
  ssh->set_host_port(2222);
  ssh->set_guest_port(22);
  auto* dns = nic->add_forwards();
  dns->set_host_port(5353);
  dns->set_guest_port(53);
  dns->set_protocol("udp");
  EXPECT_EQ(BuildQemuArgv(spec, TcgFacts()),
            Concat(Concat(CommonPrefix("tcg"), kDirectBoot),
                   {"-netdev",
                    "user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp:127.0.0.1:5353-:53",
                    "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:01:02:03"}));
}

TEST(QemuArgv, UserModeNicWithoutForwards) {
  auto spec = testing::MinimalSpec();
  auto* nic = spec.add_nics();
  nic->set_mac("52:54:00:01:02:03");
  nic->set_user_mode(true);
  Argv argv = BuildQemuArgv(spec, TcgFacts());
  EXPECT_EQ(Argv(argv.end() - 4, argv.end()),
            (Argv{"-netdev", "user,id=net0", "-device",
                  "virtio-net-pci,netdev=net0,mac=52:54:00:01:02:03"}));
}

TEST(QemuArgv, NicsNumberedInSpecOrder) {
  auto spec = testing::MinimalSpec();
  testing::AddTapNic(&spec, "52:54:00:00:00:01", {1});
  auto* second = testing::AddTapNic(&spec, "52:54:00:00:00:02", {0});
  second->set_tap_name("tap-abc123-web2");
  auto facts = TcgFacts();
  facts.tap_fds = {10, 11};
  Argv argv = BuildQemuArgv(spec, facts);
  EXPECT_EQ(
      Argv(argv.end() - 8, argv.end()),
      (Argv{"-netdev", "tap,id=net0,fd=11", "-device",
            "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01", "-netdev", "tap,id=net1,fd=10",
            "-device", "virtio-net-pci,netdev=net1,mac=52:54:00:00:00:02"}));
}

}  // namespace
}  // namespace qc::runner
