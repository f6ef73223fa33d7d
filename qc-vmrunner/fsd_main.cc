// qc-fsd: runs Debian's virtiofsd for one shared directory as the
// unprivileged user. Started by qc-vmrunner with the listening vhost-user
// socket on fd 3:
//   qc-fsd VIRTIOFSD SOURCE ro|rw
// virtiofsd wants CAP_SYS_ADMIN for its sandbox (new mount, pid and net
// namespaces, pivot_root into SOURCE) and a lock folder in /run, so this
// program first enters a user namespace of its own, where the user is
// root and nothing else is mapped:
//  1. user + mount namespace, uid/gid 0 = the user; a private tmpfs on /run.
//  2. ro: SOURCE bind-mounted onto itself and remounted read-only.
//  3. a second user + mount namespace: mounts inherited from a more
//     privileged namespace are locked, so not even a virtiofsd taken over
//     by the guest can remount SOURCE read-write.
//  4. virtiofsd drops supplementary groups with setgroups(0, NULL), which a
//     user namespace made without privilege forbids: a seccomp filter
//     answers that one call with success (the groups, the user's own,
//     stay). Without it virtiofsd exits for every user who is in a group.
// Why: docs/decisions.md ("Host directories: virtiofs as the user").
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

int Fail(const std::string& what) {
  (void)std::fprintf(stderr, "qc-fsd: %s: %s\n", what.c_str(), std::strerror(errno));
  return 1;
}

bool WriteFile(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

// New user + mount namespace with `inside` as the only uid/gid, mapped to
// `outside_uid`/`outside_gid` of the current namespace.
bool EnterUserNamespace(unsigned outside_uid, unsigned outside_gid) {
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
    return false;
  }
  return WriteFile("/proc/self/setgroups", "deny") &&
         WriteFile("/proc/self/uid_map", "0 " + std::to_string(outside_uid) + " 1") &&
         WriteFile("/proc/self/gid_map", "0 " + std::to_string(outside_gid) + " 1");
}

// A remount in a user namespace must keep the flags the mount already has
// (the kernel locks them), so read them and add read-only.
unsigned long ReadOnlyRemountFlags(const std::string& path) {
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) == 0) {
    const unsigned long kept[][2] = {{ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},
                                     {ST_NOEXEC, MS_NOEXEC},         {ST_NOATIME, MS_NOATIME},
                                     {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME}};
    for (const auto& [st_flag, ms_flag] : kept) {
      flags |= (st.f_flag & st_flag) != 0 ? ms_flag : 0;
    }
  }
  return flags;
}

// setgroups(0, ...) returns 0 without doing anything; every other system
// call, and setgroups with a list, goes on as before.
bool FakeDroppingSupplementaryGroups() {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setgroups, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof(code) / sizeof(code[0])), code};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || (std::strcmp(argv[3], "ro") != 0 && std::strcmp(argv[3], "rw") != 0) ||
      argv[1][0] != '/' || argv[2][0] != '/') {
    (void)std::fprintf(stderr, "usage: qc-fsd VIRTIOFSD SOURCE ro|rw (started by qc-vmrunner)\n");
    return 2;
  }
  const std::string virtiofsd = argv[1];
  const std::string source = argv[2];
  const bool readonly = std::strcmp(argv[3], "ro") == 0;
  const pid_t parent = getppid();
  if (!EnterUserNamespace(getuid(), getgid())) {
    return Fail("entering a user namespace");
  }
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return Fail("making mounts private");
  }
  if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") != 0) {
    return Fail("mounting a tmpfs on /run");
  }
  if (readonly &&
      (mount(source.c_str(), source.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
       mount(nullptr, source.c_str(), nullptr, ReadOnlyRemountFlags(source), nullptr) != 0)) {
    return Fail("bind-mounting " + source + " read-only");
  }
  if (!EnterUserNamespace(0, 0)) {
    return Fail("entering the inner user namespace");
  }
  if (!FakeDroppingSupplementaryGroups()) {
    return Fail("installing the setgroups filter");
  }
  // virtiofsd also ends when QEMU closes the socket; this covers a runner
  // that dies before QEMU ever connects.
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) {
    return Fail("binding to the runner's lifetime");
  }
  const std::string source_opt = "source=" + source;
  const char* args[] = {virtiofsd.c_str(),
                        "--fd=3",
                        "-o",
                        source_opt.c_str(),
                        "-o",
                        "sandbox=namespace",
                        "-o",
                        "cache=auto",
                        "-o",
                        "log_level=warn",
                        "--rlimit-nofile=0",
                        nullptr};
  execv(args[0], const_cast<char**>(args));
  return Fail("executing " + virtiofsd);
}
