// The compiled seccomp policies do what their .policy files say: each case
// forks a child that installs the policy and tries one thing.
#include "seccomp_policy.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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
  EXPECT_TRUE(
      ExitedWith(Confined(kNetdRequestLoop,
                          [] {
                            int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
                            int n = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
                            int t = open("/dev/null", O_RDWR | O_CLOEXEC);  // the /dev/net/tun mode
                            void* m = mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                            return s >= 0 && n >= 0 && t >= 0 && m != MAP_FAILED ? 0 : 1;
                          }),
                 0));
}

TEST(SeccompRequestLoop, KillsExecForkAndOtherSockets) {
  const std::vector<std::pair<const char*, std::function<int()>>> cases = {
      {"execve", [] { return execl("/bin/true", "true", nullptr); }},
      {"fork", [] { return static_cast<int>(fork()); }},
      {"vfork/clone", [] { return static_cast<int>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)); }},
      {"AF_PACKET", [] { return socket(AF_PACKET, SOCK_RAW, 0); }},
      {"AF_INET", [] { return socket(AF_INET, SOCK_DGRAM, 0); }},
      {"AF_UNIX", [] { return socket(AF_UNIX, SOCK_STREAM, 0); }},
      {"NETLINK_KOBJECT_UEVENT",
       [] { return socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT); }},
      // upper 32 bits set: the kernel would ignore them, the filter fails closed
      {"AF_NETLINK|1<<32",
       [] {
         return static_cast<int>(
             syscall(SYS_socket, (1UL << 32) | AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
       }},
      {"open O_RDONLY", [] { return open("/etc/passwd", O_RDONLY | O_CLOEXEC); }},
      {"open O_CREAT",
       [] { return open("/tmp/qc-seccomp-probe", O_RDWR | O_CREAT | O_CLOEXEC, 0600); }},
      {"ioctl SIOCSIFFLAGS", [] { return ioctl(0, SIOCSIFFLAGS, nullptr); }},
      {"mmap PROT_EXEC",
       [] {
         return mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
                        MAP_FAILED
                    ? 1
                    : 0;
       }},
      {"ptrace", [] { return static_cast<int>(ptrace(PTRACE_TRACEME, 0, nullptr, nullptr)); }},
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

}  // namespace
}  // namespace qc::seccomp
