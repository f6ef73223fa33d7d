// Issue 14 on the real Debian cloud image (scripts/build-cloud-image), as a
// user would drive it: two VMs on one bridge, `a` under SeaBIOS and `b`
// under OVMF, brought up with `up --wait`, reached with `ssh` and `exec`,
// provisioned once, healthchecked, restarted, recreated and taken down;
// with issue 15's volumes on the same boots: named volumes and host
// directories mounted by the seed, `:ro` held on the host, escapes, data
// kept across stop/up and a recreate, a volume grown, down --volumes.
// Every TCG boot costs a minute or two, so one test boots each VM twice
// (in parallel) and checks everything those boots can show.
#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "harness.h"

namespace qc::itest {
namespace {

constexpr int kUpTimeoutMs =
    1560 * 1000;  // two TCG cloud boots; 800 s seen on a loaded 2-core machine
constexpr int kCmdTimeoutMs = 180 * 1000;

std::string CloudImage() {
  CmdResult r = Netns().Run(std::string(QC_SOURCE_DIR) + "/scripts/build-cloud-image --print");
  std::string path = r.out.substr(0, r.out.find('\n'));
  return r.exit_code == 0 ? path : "";
}

std::string Compose(const std::string& image, const std::string& data_size) {
  return R"(name: cloudit
vms:
  a:
    image: )" +
         image + R"(
    memory: 768
    networks: [lan]
    volumes:
      - data:/srv/data
      - ./site:/srv/site:ro
      - ./rw:/srv/rw
    environment:
      GREETING: hello there
    provision:
      - type: shell
        inline: echo "first $$GREETING" >> /var/tmp/provisioned
      - type: shell
        inline: echo second >> /var/tmp/provisioned
    healthcheck:
      test: ["CMD", "test", "-e", "/var/lib/qemu-compose/provision/status"]
      interval: 2s
      retries: 3
  b:
    image: )" +
         image + R"(
    memory: 768
    firmware: uefi
    networks: [lan]
    volumes:
      - rdata:/srv/rdata
      - {source: ./site, target: /srv/site, read_only: true}
    cloud_init:
      user_data: b-user-data
    healthcheck:
      test: ["CMD-SHELL", "test -e /nonexistent"]
      interval: 2s
      timeout: 20s
      retries: 2
networks:
  lan: {}
volumes:
  data: {size: )" +
         data_size + R"(}
  rdata: {size: 256M}
)";
}

std::string UserData(const std::string& version) {
  return "#cloud-config\nwrite_files:\n  - path: /etc/qc-user-data\n    content: \"" + version +
         "\\n\"\n";
}

class CloudProject {
 public:
  CloudProject(const Netns& ns, const std::string& image)
      : ns_(ns), user_(UserA()), dir_(ScratchDir(user_)) {
    Write("qemu-compose.yaml", Compose(image, "256M"));
    Write("b-user-data", UserData("v1"));
  }
  ~CloudProject() { Qc("down --force"); }

  void Write(const std::string& name, const std::string& content) const {
    CmdResult w =
        ns_.RunAs(user_, "cat > " + dir_ + "/" + name + " <<'QC_EOF'\n" + content + "QC_EOF\n");
    EXPECT_EQ(w.exit_code, 0) << w.err;
  }
  // A host shell command as the user in the project directory.
  CmdResult Sh(const std::string& cmd) const {
    return ns_.RunAs(user_, "cd " + dir_ + " && " + cmd);
  }
  CmdResult Qc(const std::string& args, int timeout_ms = kCmdTimeoutMs) const {
    return ns_.RunWithTimeout(&user_, "cd " + dir_ + " && " + GetInstall().frontend + " " + args,
                              timeout_ms);
  }
  // The guest's stdout of `ssh VM CMD`, trimmed; the exit code in *rc.
  std::string Ssh(const std::string& vm, const std::string& cmd, int* rc = nullptr) const {
    CmdResult r = Qc("ssh " + vm + " " + cmd);
    if (rc != nullptr) {
      *rc = r.exit_code;
    }
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
      out.pop_back();
    }
    return out;
  }
  std::string Status(const std::string& vm) const {
    CmdResult ps = Qc("ps");
    for (std::size_t at = 0; at < ps.out.size();) {
      std::size_t nl = ps.out.find('\n', at);
      std::string line = ps.out.substr(at, nl - at);
      if (line.rfind(vm + " ", 0) == 0) {
        for (const char* s : {"unhealthy", "healthy", "ready", "running", "stopped"}) {
          if (line.find(s) != std::string::npos) {
            return s;
          }
        }
      }
      if (nl == std::string::npos) {
        break;
      }
      at = nl + 1;
    }
    return "";
  }
  std::string Diagnostics() const {
    std::string d;
    for (const char* vm : {"a", "b"}) {
      const std::string base = dir_ + "/.qemu-compose/" + std::string(vm);
      std::string serial = ReadFile(base + "/serial.log");
      d += "\n--- " + std::string(vm) + " serial.log (tail) ---\n" +
           serial.substr(serial.size() > 4000 ? serial.size() - 4000 : 0);
      d += "\n--- " + std::string(vm) + " guest.json ---\n" + ReadFile(base + "/guest.json");
    }
    return d;
  }
  const std::string& dir() const { return dir_; }

 private:
  const Netns& ns_;
  const User& user_;
  std::string dir_;
};

TEST(CloudGuest, TwoVmsOnOneBridgeFromUpToDown) {
  const std::string image = CloudImage();
  ASSERT_FALSE(image.empty()) << "no cloud image: run scripts/build-cloud-image as root first";
  Netns ns;
  CloudProject p(ns, image);
  // Host directories: one shared read-only by both VMs (with symlinks out
  // of it to a secret beside it), one read-write.
  ASSERT_EQ(p.Sh("mkdir site rw && echo hello from the host > site/hello.txt && "
                 "echo host secret > secret.txt && ln -s ../secret.txt site/up && "
                 "ln -s \"$PWD/secret.txt\" site/abs")
                .exit_code,
            0);

  // up --wait: a line per VM per step; a's healthcheck passes, b's never
  // does, so up reports b unhealthy and fails.
  CmdResult up = p.Qc("up --wait --timeout 1500", kUpTimeoutMs);
  EXPECT_EQ(up.exit_code, 1) << up.out << up.err << p.Diagnostics();
  const std::string said = up.out + up.err;
  for (const char* line :
       {"vm a: booted after", "vm a: SSH up after", "vm a: cloud-init done after",
        "vm a: healthy after", "vm b: booted after", "vm b: SSH up after",
        "vm b: cloud-init done after", "vm b: unhealthy after"}) {
    EXPECT_NE(said.find(line), std::string::npos) << line << "\n" << said << p.Diagnostics();
  }
  EXPECT_EQ(p.Status("a"), "healthy");
  EXPECT_EQ(p.Status("b"), "unhealthy");

  // The login: the user running qemu-compose, bash, passwordless sudo.
  EXPECT_EQ(p.Ssh("a", "whoami"), UserA().name);
  EXPECT_EQ(p.Ssh("a", "getent passwd " + UserA().name + " | cut -d: -f7"), "/bin/bash");
  EXPECT_EQ(p.Ssh("a", "sudo -n id -u"), "0");
  EXPECT_EQ(p.Ssh("a", "hostname"), "a");
  EXPECT_EQ(p.Ssh("a", "hostname -f"), "a.cloudit.qc");
  // Host keys: in the project's known_hosts, trusted on first use.
  EXPECT_NE(ReadFile(p.dir() + "/.qemu-compose/ssh/known_hosts").find("ssh-ed25519"),
            std::string::npos);

  // Names and the bridge between the two guests.
  std::string b_addr = p.Ssh("a", "getent hosts b");
  EXPECT_NE(b_addr.find(" b"), std::string::npos) << b_addr;
  int rc = -1;
  p.Ssh("b", "ping -c1 -W5 a", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.Ssh("b", "cat /etc/qc-user-data"), "v1");  // b's own user-data part

  // Provision ran once, in order, with the environment; ssh sessions get it too.
  EXPECT_EQ(p.Ssh("a", "cat /var/tmp/provisioned"), "first hello there\nsecond");
  EXPECT_EQ(p.Ssh("a", "'echo $GREETING'"), "hello there");

  // The named volume is mounted at its target by the seed's `mounts`.
  EXPECT_EQ(p.Ssh("a", "findmnt -n -o FSTYPE /srv/data"), "ext4");
  p.Ssh("a", "'echo kept | sudo -n tee /srv/data/f'", &rc);
  EXPECT_EQ(rc, 0);
  // By the disk's serial; every entry the seed wrote has nofail.
  EXPECT_EQ(p.Ssh("a", "findmnt -n -o SOURCE /srv/data"),
            p.Ssh("a", "readlink -f /dev/disk/by-id/virtio-data"));
  // cloud-init writes fstab fields separated by tabs.
  EXPECT_EQ(p.Ssh("a", "\"grep -c '/srv/.*nofail' /etc/fstab\""), "3");
  p.Ssh("b", "'echo kept-b | sudo -n tee /srv/rdata/f'", &rc);
  EXPECT_EQ(rc, 0);

  // Host directories over virtiofs; two VMs share one read-only.
  EXPECT_EQ(p.Ssh("a", "findmnt -n -o FSTYPE /srv/site"), "virtiofs");
  EXPECT_EQ(p.Ssh("a", "cat /srv/site/hello.txt"), "hello from the host");
  EXPECT_EQ(p.Ssh("b", "cat /srv/site/hello.txt"), "hello from the host");
  // :ro holds on the host side: guest root cannot write there, not even
  // after remounting it read-write in the guest.
  p.Ssh("a", "sudo -n touch /srv/site/new", &rc);
  EXPECT_NE(rc, 0);
  p.Ssh("a", "sudo -n mount -o remount,rw /srv/site");
  p.Ssh("a", "sudo -n touch /srv/site/new", &rc);
  EXPECT_NE(rc, 0);
  p.Ssh("b", "sudo -n touch /srv/site/new", &rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(p.Sh("test -e site/new").exit_code, 0) << "a guest wrote into a :ro directory";
  // Escapes fail: symlinks to the host's secret resolve inside the guest,
  // a hard link into the share from the guest's own disk is refused, and
  // `..` of the share is the guest's /srv.
  for (const char* link : {"/srv/site/up", "/srv/site/abs"}) {
    std::string out = p.Ssh("a", std::string("sudo -n cat ") + link + " 2>&1");
    EXPECT_EQ(out.find("host secret"), std::string::npos) << link << ": " << out;
  }
  p.Ssh("a", "sudo -n ln /etc/hostname /srv/rw/hostname", &rc);
  EXPECT_NE(rc, 0);
  EXPECT_EQ(p.Ssh("a", "ls /srv/site/.. | tr '\\n' ' '"), "data rw site ");
  // Read-write: guest root's file belongs to the user on the host.
  p.Ssh("a", "'echo from guest | sudo -n tee /srv/rw/note'", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.Sh("stat -c %U rw/note && cat rw/note").out, UserA().name + "\nfrom guest\n");

  // ssh and exec pass the exit code through; exec runs words as given.
  p.Ssh("a", "exit 7", &rc);
  EXPECT_EQ(rc, 7);
  EXPECT_EQ(p.Qc("exec a false").exit_code, 1);
  EXPECT_EQ(p.Qc("exec a sh -c 'exit 3'").exit_code, 3);
  CmdResult ex = p.Qc("exec -e X=1 -e 'Y=two words' -w /tmp a sh -c 'echo $X-$Y-$PWD'");
  EXPECT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_EQ(ex.out, "1-two words-/tmp\n");
  EXPECT_EQ(p.Qc("exec a sh -c 'test -t 0'").exit_code, 1);  // no terminal without -t

  // Second round, both at once: a stopped and started again (same instance:
  // provision does not run again), b's user-data changed (recreated: applied).
  ASSERT_EQ(p.Qc("stop a").exit_code, 0);
  EXPECT_EQ(p.Status("a"), "stopped");
  p.Write("b-user-data", UserData("v2"));
  p.Write("qemu-compose.yaml", Compose(image, "512M"));  // a's volume grows at its start
  CmdResult up2 = p.Qc("up --wait --timeout 1500", kUpTimeoutMs);
  EXPECT_EQ(up2.exit_code, 1) << up2.out << up2.err << p.Diagnostics();  // b still unhealthy
  EXPECT_NE((up2.out + up2.err).find("vm a: healthy after"), std::string::npos) << up2.out;
  EXPECT_NE(up2.out.find("vm b: recreated"), std::string::npos) << up2.out;
  EXPECT_EQ(p.Ssh("a", "cat /var/tmp/provisioned"), "first hello there\nsecond");
  EXPECT_EQ(p.Ssh("a", "cat /srv/data/f"), "kept");
  EXPECT_NE((up2.out + up2.err).find("volume data: grown to 512.0 MiB"), std::string::npos)
      << up2.out << up2.err;
  // ext4's own metadata takes some of the 512 MiB; 256 MiB could never pass 400.
  p.Ssh("a", "'test $(df -B1M --output=size /srv/data | tail -1) -gt 400'", &rc);
  EXPECT_EQ(rc, 0) << "the file system did not grow with the disk";
  EXPECT_EQ(p.Ssh("b", "cat /srv/rdata/f"), "kept-b");  // b is a new instance
  EXPECT_EQ(p.Ssh("b", "cat /etc/qc-user-data"), "v2");
  EXPECT_EQ(p.Ssh("b", "whoami"), UserA().name);  // new host keys, still trusted

  // down: nothing of the project is left running or lying around.
  CmdResult down = p.Qc("down");
  EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_TRUE(WaitFor(
      [&] { return ns.Run("pgrep -u " + UserA().name + " >/dev/null").exit_code != 0; }, 10000))
      << ns.Run("ps -u " + UserA().name + " -o pid,args").out;
  EXPECT_EQ(ns.Run("ip -o link show | grep -v ': lo:'").out, "");
  EXPECT_EQ(ns.Run("ls " + p.dir() + "/.qemu-compose/a " + p.dir() +
                   "/.qemu-compose/b 2>&1 | "
                   "grep -c 'No such file'")
                .out,
            "2\n");
  // The volumes outlive down; down --volumes removes them.
  EXPECT_EQ(p.Sh("ls .qemu-compose/volumes").out, "data.qcow2\nrdata.qcow2\n");
  CmdResult downv = p.Qc("down --volumes");
  EXPECT_EQ(downv.exit_code, 0) << downv.out << downv.err;
  EXPECT_EQ(p.Sh("ls .qemu-compose/volumes 2>/dev/null").out, "");
}

}  // namespace
}  // namespace qc::itest
