#include "spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace qc::itest::detail {
namespace {

[[noreturn]] void ChildFail(const char* what) {
  // Only async-signal-safe calls after fork.
  const char* reason = strerror(errno);
  (void)!write(2, "itest spawn: ", 13);
  (void)!write(2, what, strlen(what));
  (void)!write(2, ": ", 2);
  (void)!write(2, reason, strlen(reason));
  (void)!write(2, "\n", 1);
  _exit(126);
}

// Same as `ip netns exec`: a private mount namespace whose /sys shows this
// network namespace's interfaces.
void EnterNetns(int fd) {
  if (setns(fd, CLONE_NEWNET) != 0) {
    ChildFail("setns");
  }
  if (unshare(CLONE_NEWNS) != 0) {
    ChildFail("unshare(CLONE_NEWNS)");
  }
  if (mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
    ChildFail("mount --make-rslave /");
  }
  if (umount2("/sys", MNT_DETACH) != 0 && errno != EINVAL) {
    ChildFail("umount /sys");
  }
  if (mount("sysfs", "/sys", "sysfs", 0, nullptr) != 0) {
    ChildFail("mount /sys");
  }
}

int OpenOutput(const std::string& path, const User* u) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    ChildFail("open output file");
  }
  if (u != nullptr && fchown(fd, u->uid, u->gid) != 0) {
    ChildFail("fchown output file");
  }
  return fd;
}

void MoveFd(int from, int to) {
  if (from == to) {
    int flags = fcntl(to, F_GETFD);
    if (flags < 0 || fcntl(to, F_SETFD, flags & ~FD_CLOEXEC) != 0) {
      ChildFail("fcntl");
    }
    return;
  }
  if (dup2(from, to) < 0) {
    ChildFail("dup2");
  }
}

}  // namespace

pid_t SpawnProcess(const SpawnOptions& opt) {
  if (opt.argv.empty()) {
    throw std::runtime_error("Spawn: empty argv");
  }
  // Everything the child needs is prepared before fork.
  std::vector<std::string> env_store;
  if (opt.user != nullptr) {
    env_store = {"HOME=" + opt.user->home, "USER=" + opt.user->name, "LOGNAME=" + opt.user->name,
                 "PATH=/usr/local/bin:/usr/bin:/bin", "SHELL=/bin/sh"};
  } else {
    env_store = {"HOME=/root", "USER=root", "LOGNAME=root",
                 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                 "SHELL=/bin/sh"};
  }
  env_store.insert(env_store.end(), opt.env.begin(), opt.env.end());
  std::vector<char*> envp;
  envp.reserve(env_store.size());
  for (auto& e : env_store) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> argv_store = opt.argv;
  std::vector<char*> argv;
  argv.reserve(argv_store.size());
  for (auto& a : argv_store) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const std::string home = opt.user != nullptr ? opt.user->home : "/";

  pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error(std::string("fork: ") + strerror(errno));
  }
  if (pid != 0) {
    return pid;
  }

  // Child.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  (void)signal(SIGPIPE, SIG_DFL);
  if (opt.netns_fd >= 0) {
    EnterNetns(opt.netns_fd);
  }
  // Output files are opened as root (any directory works) and handed to the user.
  int out = opt.stdout_fd >= 0         ? opt.stdout_fd
            : !opt.stdout_path.empty() ? OpenOutput(opt.stdout_path, opt.user)
                                       : -1;
  int err = opt.stderr_fd >= 0         ? opt.stderr_fd
            : !opt.stderr_path.empty() ? OpenOutput(opt.stderr_path, opt.user)
                                       : -1;
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) {
    ChildFail("open /dev/null");
  }
  // Park fds above 3 first so the dup2s below cannot clobber each other.
  auto park = [](int fd) {
    if (fd < 0) {
      return fd;
    }
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (moved < 0) {
      ChildFail("fcntl(F_DUPFD)");
    }
    return moved;
  };
  int fd3 = park(opt.fd3);
  out = park(out);
  err = park(err);
  MoveFd(devnull, 0);
  if (out >= 0) {
    MoveFd(out, 1);
  }
  if (err >= 0) {
    MoveFd(err, 2);
  }
  if (fd3 >= 0) {
    MoveFd(fd3, 3);
  }
  if (syscall(SYS_close_range, fd3 >= 0 ? 4U : 3U, ~0U, 0U) != 0) {
    ChildFail("close_range");
  }

  if (opt.user != nullptr) {
    if (initgroups(opt.user->name.c_str(), opt.user->gid) != 0) {
      ChildFail("initgroups");
    }
    if (setresgid(opt.user->gid, opt.user->gid, opt.user->gid) != 0) {
      ChildFail("setresgid");
    }
    if (setresuid(opt.user->uid, opt.user->uid, opt.user->uid) != 0) {
      ChildFail("setresuid");
    }
  }
  if (chdir(home.c_str()) != 0 && chdir("/") != 0) {
    ChildFail("chdir");
  }
  execvpe(argv[0], argv.data(), envp.data());
  int saved = errno;
  (void)!write(2, "itest spawn: exec ", 18);
  (void)!write(2, argv[0], strlen(argv[0]));
  errno = saved;
  ChildFail("");
}

CmdResult RunCaptured(SpawnOptions opt, int timeout_ms) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  }
  opt.stdout_fd = out_pipe[1];
  opt.stderr_fd = err_pipe[1];
  pid_t pid = SpawnProcess(opt);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    throw std::runtime_error(std::string("pidfd_open: ") + strerror(errno));
  }

  CmdResult result{0, "", ""};
  auto drain = [](int fd, std::string* into) {
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      into->append(buf, static_cast<size_t>(n));
    }
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool exited = false;
  bool timed_out = false;
  bool out_open = true;
  bool err_open = true;
  while (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3] = {{pidfd, POLLIN, 0},
                     {out_open ? out_pipe[0] : -1, POLLIN, 0},
                     {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    int n = poll(fds, 3, static_cast<int>(left));
    if (n < 0 && errno != EINTR) {
      break;
    }
    if (fds[1].revents != 0 && drain(out_pipe[0], &result.out) <= 0) {
      out_open = false;
    }
    if (fds[2].revents != 0 && drain(err_pipe[0], &result.err) <= 0) {
      err_open = false;
    }
    if (fds[0].revents != 0) {
      exited = true;
    }
  }
  // Whatever the process wrote before exiting is in the pipes; descendants
  // that keep them open must not block us, so read without waiting.
  fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  while (out_open && drain(out_pipe[0], &result.out) > 0) {
  }
  while (err_open && drain(err_pipe[0], &result.err) > 0) {
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  close(pidfd);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.exit_code = INT_MIN;
    result.err += "\n[itest: killed after " + std::to_string(timeout_ms) + " ms]\n";
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else {
    result.exit_code = -WTERMSIG(status);
  }
  return result;
}

}  // namespace qc::itest::detail
