// The compiled seccomp policies do what their .policy files say: each case
// forks a child that installs the policy and tries one thing.
#include "seccomp_policy.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/sockios.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <functional>

#include "dnsmasq-launcher.policy.h"
#include "netd-request-loop.policy.h"

namespace qc::seccomp {
namespace {

// Runs `action` in a child confined by `policy`; returns the wait status.
int Confined(const Policy& policy, const std::function<int()>& action) {
  pid_t pid = fork();
  if (pid == 0) {
    std::string err;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !LoadPolicy(policy, &err)) {
      _exit(99);
    }
    // Raw exit_group: under ASan, _exit() is intercepted and calls sigaltstack,
    // which the policy (rightly) does not allow.
    syscall(SYS_exit_group, action());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

bool KilledBySigsys(int status) {
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}
bool ExitedWith(int status, int code) {
  return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

TEST(SeccompRequestLoop, AllowsWhatTheLoopNeeds) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
  const std::vector<std::pair<const char*, std::function<int()>>> cases = {
      {"netlink route+netfilter",
       [] {
         return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) >= 0 &&
                        socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER) >= 0
                    ? 0
                    : 1;
       }},
      // the open modes of /dev/net/tun and ip_forward (on /dev/null here)
      {"openat O_RDWR, O_WRONLY",
       [] {
         return open("/dev/null", O_RDWR | O_CLOEXEC) >= 0 &&
                        open("/dev/null", O_WRONLY | O_CLOEXEC) >= 0
                    ? 0
                    : 1;
       }},
      // allowed by the filter, refused by the kernel: /dev/null is no TUN device
      {"ioctl TUNSETIFF",
       [] {
         struct ifreq ifr = {};
         const int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
         return ioctl(fd, TUNSETIFF, &ifr) == -1 && errno == ENOTTY ? 0 : 1;
       }},
      // a reply carrying an fd (the TAP) over the frontend's socket
      {"sendmsg/recvmsg SCM_RIGHTS",
       [&pair] {
         char byte = 'x';
         iovec iov{&byte, 1};
         alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
         msghdr msg{};
         msg.msg_iov = &iov;
         msg.msg_iovlen = 1;
         msg.msg_control = control;
         msg.msg_controllen = sizeof control;
         cmsghdr* c = CMSG_FIRSTHDR(&msg);
         c->cmsg_level = SOL_SOCKET;
         c->cmsg_type = SCM_RIGHTS;
         c->cmsg_len = CMSG_LEN(sizeof(int));
         const int sent_fd = pair[0];
         std::memcpy(CMSG_DATA(c), &sent_fd, sizeof sent_fd);
         if (sendmsg(pair[0], &msg, 0) != 1) {
           return 1;
         }
         return recvmsg(pair[1], &msg, MSG_CMSG_CLOEXEC) == 1 ? 0 : 1;
       }},
      {"mmap without PROT_EXEC",
       [] {
         return mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) !=
                        MAP_FAILED
                    ? 0
                    : 1;
       }},
      {"time, randomness",
       [] {
         timespec ts{};
         char buf[8];
         return clock_gettime(CLOCK_MONOTONIC, &ts) == 0 &&
                        getrandom(buf, sizeof buf, 0) == sizeof buf
                    ? 0
                    : 1;
       }},
  };
  for (const auto& [name, action] : cases) {
    EXPECT_TRUE(ExitedWith(Confined(kNetdRequestLoop, action), 0)) << name;
  }
  close(pair[0]);
  close(pair[1]);
}

// Each must kill the helper (SIGSYS), not merely fail: the allowlist, not
// the kernel's other checks, is what stops it. Runs as root under ctest, so
// a call the filter let through would really happen.
TEST(SeccompRequestLoop, KillsExecForkAndOtherSockets) {
  static char* const kArgv[] = {const_cast<char*>("true"), nullptr};
  const std::vector<std::pair<const char*, std::function<int()>>> cases = {
      {"execve", [] { return execl("/bin/true", "true", nullptr); }},
      {"execveat",
       [] {
         return static_cast<int>(syscall(SYS_execveat, AT_FDCWD, "/bin/true", kArgv, environ, 0));
       }},
      {"fork", [] { return static_cast<int>(fork()); }},
      {"vfork", [] { return static_cast<int>(syscall(SYS_vfork)); }},
      {"clone without CLONE_THREAD",
       [] {
         return static_cast<int>(syscall(SYS_clone, CLONE_FS | CLONE_FILES | SIGCHLD, 0, 0, 0, 0));
       }},
      {"clone3",
       [] {
         clone_args args{};
         args.exit_signal = SIGCHLD;
         return static_cast<int>(syscall(SYS_clone3, &args, sizeof args));
       }},
      {"openat /etc/shadow O_RDONLY",
       [] { return static_cast<int>(syscall(SYS_openat, AT_FDCWD, "/etc/shadow", O_RDONLY)); }},
      {"open(2) /etc/shadow O_RDONLY",
       [] { return static_cast<int>(syscall(SYS_open, "/etc/shadow", O_RDONLY)); }},
      {"open /tmp file O_WRONLY|O_CREAT",
       [] { return open("/tmp/qc-seccomp-probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0600); }},
      {"AF_INET", [] { return socket(AF_INET, SOCK_DGRAM, 0); }},
      {"AF_INET6", [] { return socket(AF_INET6, SOCK_DGRAM, 0); }},
      {"AF_UNIX", [] { return socket(AF_UNIX, SOCK_STREAM, 0); }},
      {"socketpair AF_UNIX",
       [] {
         int sv[2];
         return socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
       }},
      {"AF_PACKET", [] { return socket(AF_PACKET, SOCK_RAW, 0); }},
      {"NETLINK_KOBJECT_UEVENT",
       [] { return socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT); }},
      {"NETLINK_GENERIC", [] { return socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC); }},
      // upper 32 bits set: the kernel would ignore them, the filter fails closed
      {"AF_NETLINK|1<<32",
       [] {
         return static_cast<int>(
             syscall(SYS_socket, (1UL << 32) | AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
       }},
      {"ioctl SIOCSIFFLAGS", [] { return ioctl(0, SIOCSIFFLAGS, nullptr); }},
      {"mmap PROT_EXEC",
       [] {
         return mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
                        MAP_FAILED
                    ? 1
                    : 0;
       }},
      {"ptrace", [] { return static_cast<int>(ptrace(PTRACE_TRACEME, 0, nullptr, nullptr)); }},
      {"mount",
       [] { return static_cast<int>(syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, nullptr)); }},
      {"setuid", [] { return static_cast<int>(syscall(SYS_setuid, 0)); }},
      {"init_module", [] { return static_cast<int>(syscall(SYS_init_module, nullptr, 0, "")); }},
      {"finit_module", [] { return static_cast<int>(syscall(SYS_finit_module, -1, "", 0)); }},
      {"bpf", [] { return static_cast<int>(syscall(SYS_bpf, 0, nullptr, 0)); }},
      {"unshare", [] { return unshare(CLONE_NEWNET); }},
      {"kill", [] { return kill(getppid(), 0); }},
  };
  for (const auto& [name, action] : cases) {
    EXPECT_TRUE(KilledBySigsys(Confined(kNetdRequestLoop, action))) << name;
  }
}

TEST(SeccompLauncher, AllowsExecButNotDangerousCalls) {
  EXPECT_TRUE(ExitedWith(Confined(kDnsmasqLauncher,
                                  [] {
                                    pid_t p = fork();
                                    if (p == 0) execl("/bin/true", "true", nullptr);
                                    int st = 0;
                                    waitpid(p, &st, 0);
                                    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
                                  }),
                         0));
  EXPECT_TRUE(ExitedWith(
      Confined(kDnsmasqLauncher,
               [] { return syscall(SYS_clone3, nullptr, 0) == -1 && errno == ENOSYS ? 0 : 1; }),
      0));
  const std::vector<std::pair<const char*, std::function<int()>>> cases = {
      {"ptrace", [] { return static_cast<int>(ptrace(PTRACE_TRACEME, 0, nullptr, nullptr)); }},
      {"AF_PACKET", [] { return socket(AF_PACKET, SOCK_RAW, 0); }},
      {"AF_PACKET|1<<32",
       [] { return static_cast<int>(syscall(SYS_socket, (1UL << 32) | AF_PACKET, SOCK_RAW, 0)); }},
      {"unshare", [] { return unshare(CLONE_NEWUSER); }},
      {"clone NEWUSER",
       [] { return static_cast<int>(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)); }},
      {"mount",
       [] { return static_cast<int>(syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, nullptr)); }},
      {"bpf", [] { return static_cast<int>(syscall(SYS_bpf, 0, nullptr, 0)); }},
  };
  for (const auto& [name, action] : cases) {
    EXPECT_TRUE(KilledBySigsys(Confined(kDnsmasqLauncher, action))) << name;
  }
}

// The launcher's policy is an allowlist: what neither the launcher nor dnsmasq
// needs fails with ENOSYS instead of running, while what dnsmasq needs works.
TEST(SeccompLauncher, RefusesCallsOutsideTheAllowlist) {
  auto refused = [](long rc) { return rc == -1 && errno == ENOSYS ? 0 : 1; };
  const std::vector<std::pair<const char*, std::function<int()>>> cases = {
      {"sysinfo",
       [&] {
         struct sysinfo si {};
         return refused(sysinfo(&si));
       }},
      {"AF_UNIX socket", [&] { return refused(socket(AF_UNIX, SOCK_STREAM, 0)); }},
      {"NETLINK_NETFILTER",
       [&] { return refused(socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER)); }},
      {"AF_INET|1<<32",
       [&] { return refused(syscall(SYS_socket, (1UL << 32) | AF_INET, SOCK_DGRAM, 0)); }},
      {"ioctl SIOCSIFFLAGS", [&] { return refused(ioctl(0, SIOCSIFFLAGS, nullptr)); }},
      {"setuid", [&] { return refused(syscall(SYS_setuid, 0)); }},
      {"chmod", [&] { return refused(syscall(SYS_chmod, "/tmp", 0777)); }},
  };
  for (const auto& [name, action] : cases) {
    EXPECT_TRUE(ExitedWith(Confined(kDnsmasqLauncher, action), 0)) << name;
  }
  EXPECT_TRUE(ExitedWith(Confined(kDnsmasqLauncher,
                                  [] {
                                    int s = socket(AF_INET, SOCK_DGRAM, 0);
                                    int n = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
                                    ifreq ifr{};
                                    std::strcpy(ifr.ifr_name, "lo");
                                    return s >= 0 && n >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0
                                               ? 0
                                               : 1;
                                  }),
                         0));
}

}  // namespace
}  // namespace qc::seccomp
