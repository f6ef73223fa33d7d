#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "monotonic_ms.h"

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace qc {
namespace {

void CloseFd(int* fd) {
  if (*fd >= 0) {
    close(*fd);
    *fd = -1;
  }
}

std::string Errno(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

// Everything posix_spawn needs, built before the call: argv/envp arrays,
// file actions and attributes. Owns the pipes' child ends until Spawn
// closes them.
class PreparedSpawn {
 public:
  PreparedSpawn() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attr_);
  }
  ~PreparedSpawn() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
    CloseParentEnds();
    CloseChildEnds();
  }
  PreparedSpawn(const PreparedSpawn&) = delete;
  PreparedSpawn& operator=(const PreparedSpawn&) = delete;

  bool Prepare(const SpawnOptions& opts, std::string* error);
  // posix_spawn(p); 0 or an errno value.
  int Run(pid_t* pid) const {
    return search_ ? posix_spawnp(pid, argv_[0], &actions_, &attr_, argv_.data(), envp_)
                   : posix_spawn(pid, argv_[0], &actions_, &attr_, argv_.data(), envp_);
  }
  void CloseChildEnds() {
    CloseFd(&child_out_);
    CloseFd(&child_err_);
  }
  void CloseParentEnds() {
    CloseFd(&out_);
    CloseFd(&err_);
  }
  int TakeOut() { return std::exchange(out_, -1); }
  int TakeErr() { return std::exchange(err_, -1); }
  const std::string& program() const { return args_.front(); }

 private:
  bool MakePipe(int* parent_end, int* child_end, std::string* error);
  bool BuildFdActions(const SpawnOptions& opts, std::string* error);

  posix_spawn_file_actions_t actions_{};
  posix_spawnattr_t attr_{};
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  std::vector<std::string> env_;
  std::vector<char*> envp_store_;
  char** envp_ = environ;
  bool search_ = false;
  int out_ = -1, err_ = -1;              // parent ends of kPipe
  int child_out_ = -1, child_err_ = -1;  // child ends, closed after the spawn
};

bool PreparedSpawn::MakePipe(int* parent_end, int* child_end, std::string* error) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    *error = Errno("pipe", errno);
    return false;
  }
  // Non-blocking on our side only: Run drains it after the child exits.
  (void)fcntl(p[0], F_SETFL, O_NONBLOCK);
  *parent_end = p[0];
  *child_end = p[1];
  return true;
}

// The child's fd table: every target (0-2 and pass_fds) gets its source
// through a temporary fd above all of them, so no dup2 overwrites a source
// another one still needs; then every other fd above 2 is closed.
bool PreparedSpawn::BuildFdActions(const SpawnOptions& opts, std::string* error) {
  std::vector<std::pair<int, int>> moves;  // {target, source}
  bool null_target[3] = {false, false, false};
  const Redirect* std_redirects[3] = {&opts.in, &opts.out, &opts.err};
  for (int target = 0; target < 3; ++target) {
    const Redirect& r = *std_redirects[target];
    switch (r.kind) {
      case Redirect::Kind::kInherit:
        break;
      case Redirect::Kind::kNull:
        null_target[target] = true;
        break;
      case Redirect::Kind::kFd:
        if (r.fd < 0) {
          *error = "internal error: redirect to a negative fd";
          return false;
        }
        moves.emplace_back(target, r.fd);
        break;
      case Redirect::Kind::kPipe:
        if (target == 0) {
          *error = "internal error: stdin cannot be a capture pipe";
          return false;
        }
        if (!MakePipe(target == 1 ? &out_ : &err_, target == 1 ? &child_out_ : &child_err_,
                      error)) {
          return false;
        }
        moves.emplace_back(target, target == 1 ? child_out_ : child_err_);
        break;
      case Redirect::Kind::kStdout:
        if (target != 2) {
          *error = "internal error: only stderr can follow stdout";
          return false;
        }
        break;
    }
  }
  int highest = 2;
  for (const auto& [target, source] : opts.pass_fds) {
    if (target < 3 || source < 0) {
      *error = "internal error: pass_fds maps fd " + std::to_string(source) + " to " +
               std::to_string(target);
      return false;
    }
    moves.emplace_back(target, source);
  }
  for (const auto& [target, source] : moves) {
    highest = std::max({highest, target, source});
  }
  int temp = highest + 1;
  for (const auto& m : moves) {
    posix_spawn_file_actions_adddup2(&actions_, m.second, temp++);
  }
  temp = highest + 1;
  int top_target = 2;
  for (const auto& m : moves) {
    posix_spawn_file_actions_adddup2(&actions_, temp++, m.first);
    top_target = std::max(top_target, m.first);
  }
  for (int target = 0; target < 3; ++target) {
    if (null_target[target]) {
      posix_spawn_file_actions_addopen(&actions_, target, "/dev/null",
                                       target == 0 ? O_RDONLY : O_WRONLY, 0);
    }
  }
  if (opts.err.kind == Redirect::Kind::kStdout) {
    posix_spawn_file_actions_adddup2(&actions_, 1, 2);
  }
  // Gaps below the highest passed fd (closing a closed fd is not an error
  // for posix_spawn), then everything above it, temporaries included.
  for (int fd = 3; fd < top_target; ++fd) {
    bool passed = std::any_of(opts.pass_fds.begin(), opts.pass_fds.end(),
                              [fd](const auto& p) { return p.first == fd; });
    if (!passed) {
      posix_spawn_file_actions_addclose(&actions_, fd);
    }
  }
  posix_spawn_file_actions_addclosefrom_np(&actions_, top_target + 1);
  return true;
}

bool PreparedSpawn::Prepare(const SpawnOptions& opts, std::string* error) {
  if (opts.argv.empty() || opts.argv[0].empty()) {
    *error = "internal error: no program to run";
    return false;
  }
  if (opts.limits.any()) {
    // prlimit sets the limits on itself, then execvp()s the program.
    args_ = {kPrlimitPath};
    if (opts.limits.cpu_seconds != 0) {
      args_.push_back("--cpu=" + std::to_string(opts.limits.cpu_seconds));
    }
    if (opts.limits.address_space != 0) {
      args_.push_back("--as=" + std::to_string(opts.limits.address_space));
    }
    args_.emplace_back("--");
    if (!opts.search_path && opts.argv[0].find('/') == std::string::npos) {
      args_.push_back("./" + opts.argv[0]);  // a plain name is a path here, as for posix_spawn
    } else {
      args_.push_back(opts.argv[0]);
    }
    args_.insert(args_.end(), opts.argv.begin() + 1, opts.argv.end());
    search_ = false;
  } else {
    args_ = opts.argv;
    search_ = opts.search_path;
  }
  for (auto& a : args_) {
    argv_.push_back(a.data());
  }
  argv_.push_back(nullptr);
  if (opts.env) {
    env_ = *opts.env;
    for (auto& e : env_) {
      envp_store_.push_back(e.data());
    }
    envp_store_.push_back(nullptr);
    envp_ = envp_store_.data();
  }
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (opts.new_session) {
    flags |= POSIX_SPAWN_SETSID;
  }
  // Signals start at their defaults and unblocked, whatever this process
  // set up (e.g. SIGPIPE ignored, SIGCHLD blocked).
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr_, &none);
  posix_spawnattr_setsigdefault(&attr_, &all);
  posix_spawnattr_setflags(&attr_, flags);
  if (!opts.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions_, opts.cwd.c_str());
  }
  return BuildFdActions(opts, error);
}

std::string SpawnError(const std::string& program, int err) {
  return "cannot run " + program + ": " + std::strerror(err);
}

int PidfdOpen(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

}  // namespace

ExitStatus ExitStatus::FromWaitStatus(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) {
    s.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    s.signal = WTERMSIG(status);
  } else {
    s.unknown = true;
  }
  return s;
}

std::string ExitStatus::Describe() const {
  if (unknown) {
    return "ended with an unknown status";
  }
  if (signal != 0) {
    std::string s =
        "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    if (signal == SIGSYS) {
      s += ": a seccomp violation";
    }
    return s;
  }
  return "exited with status " + std::to_string(code);
}

std::string RunResult::Describe(int timeout_ms) const {
  if (!spawn_error.empty()) {
    return spawn_error;
  }
  if (timed_out) {
    return timeout_ms % 1000 == 0 ? "timed out after " + std::to_string(timeout_ms / 1000) + " s"
                                  : "timed out after " + std::to_string(timeout_ms) + " ms";
  }
  return status.Describe();
}

Child::~Child() {
  CloseFds();
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_(std::exchange(other.out_, -1)),
      err_(std::exchange(other.err_, -1)),
      new_session_(other.new_session_) {}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    CloseFds();
    pid_ = std::exchange(other.pid_, -1);
    out_ = std::exchange(other.out_, -1);
    err_ = std::exchange(other.err_, -1);
    new_session_ = other.new_session_;
  }
  return *this;
}

void Child::CloseFds() {
  CloseFd(&out_);
  CloseFd(&err_);
}

bool Spawn(const SpawnOptions& opts, Child* child, std::string* error) {
  *child = Child();
  PreparedSpawn p;
  if (!p.Prepare(opts, error)) {
    return false;
  }
  pid_t pid = -1;
  int rc = p.Run(&pid);
  p.CloseChildEnds();
  if (rc != 0) {
    *error = SpawnError(opts.argv[0], rc);
    return false;
  }
  child->pid_ = pid;
  child->out_ = p.TakeOut();
  child->err_ = p.TakeErr();
  child->new_session_ = opts.new_session;
  return true;
}

ExitStatus Wait(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, 0);
    if (r == pid) {
      return ExitStatus::FromWaitStatus(status);
    }
    if (r < 0 && errno == EINTR) {
      continue;
    }
    ExitStatus s;  // ECHILD (or EINVAL): there is nothing left to wait for
    s.unknown = true;
    return s;
  }
}

std::optional<ExitStatus> WaitFor(pid_t pid, int timeout_ms) {
  long long deadline = MonotonicMs() + std::max(timeout_ms, 0);
  int pidfd = PidfdOpen(pid);
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      CloseFd(&pidfd);
      return ExitStatus::FromWaitStatus(status);
    }
    if (r < 0 && errno != EINTR) {
      CloseFd(&pidfd);
      return Wait(pid);  // ECHILD: ends at once with "unknown"
    }
    long long left = deadline - MonotonicMs();
    if (left <= 0) {
      CloseFd(&pidfd);
      return std::nullopt;
    }
    if (pidfd >= 0) {
      pollfd pfd{pidfd, POLLIN, 0};
      (void)poll(&pfd, 1, static_cast<int>(left));  // EINTR: loop and look again
    } else {
      (void)poll(nullptr, 0, static_cast<int>(std::min<long long>(left, 10)));
    }
  }
}

ExitStatus WaitOrKill(pid_t pid, int timeout_ms, bool kill_group, bool* killed) {
  if (killed != nullptr) {
    *killed = false;
  }
  if (auto s = WaitFor(pid, timeout_ms)) {
    return *s;
  }
  if (killed != nullptr) {
    *killed = true;
  }
  if (!kill_group || kill(-pid, SIGKILL) != 0) {
    kill(pid, SIGKILL);
  }
  return Wait(pid);
}

RunResult RunProcess(const SpawnOptions& opts, int timeout_ms, std::size_t max_capture) {
  RunResult result;
  result.status.unknown = true;
  Child child;
  if (!Spawn(opts, &child, &result.spawn_error)) {
    return result;
  }
  long long deadline = timeout_ms < 0 ? -1 : MonotonicMs() + timeout_ms;
  int pidfd = PidfdOpen(child.pid());
  int fds[2] = {child.stdout_fd(), child.stderr_fd()};
  std::string* sinks[2] = {&result.out, &result.err};
  auto drain = [&](int i) {
    char buf[4096];
    for (;;) {
      ssize_t n = read(fds[i], buf, sizeof(buf));
      if (n > 0) {
        std::size_t room = max_capture - std::min(max_capture, sinks[i]->size());
        sinks[i]->append(buf, std::min(room, static_cast<std::size_t>(n)));
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n == 0) {
        fds[i] = -1;  // EOF (child keeps the fd; ~Child closes it)
      }
      return;  // EAGAIN: nothing more for now
    }
  };
  std::optional<ExitStatus> exited;
  while (!exited) {
    int status = 0;
    pid_t r = waitpid(child.pid(), &status, WNOHANG);
    if (r == child.pid()) {
      exited = ExitStatus::FromWaitStatus(status);
      break;
    }
    if (r < 0 && errno != EINTR) {
      exited = Wait(child.pid());
      break;
    }
    long long left = deadline < 0 ? -1 : deadline - MonotonicMs();
    if (deadline >= 0 && left <= 0) {
      result.timed_out = true;
      exited = WaitOrKill(child.pid(), 0, opts.new_session);
      break;
    }
    std::vector<pollfd> pfds;
    for (int fd : fds) {
      if (fd >= 0) {
        pfds.push_back({fd, POLLIN, 0});
      }
    }
    if (pidfd >= 0) {
      pfds.push_back({pidfd, POLLIN, 0});
    }
    // Without a pidfd, exit is noticed by looking again every 10 ms.
    long long wait_ms = pidfd >= 0 ? -1 : 10;
    if (left >= 0) {
      wait_ms = wait_ms < 0 ? left : std::min(left, wait_ms);
    }
    (void)poll(pfds.data(), pfds.size(), static_cast<int>(wait_ms));
    for (int i = 0; i < 2; ++i) {
      if (fds[i] >= 0) {
        drain(i);
      }
    }
  }
  for (int i = 0; i < 2; ++i) {
    if (fds[i] >= 0) {
      drain(i);  // what the child wrote before it exited
    }
  }
  CloseFd(&pidfd);
  result.status = *exited;
  return result;
}

pid_t ForkCall(const std::function<int()>& fn, std::string* error) {
  pid_t pid = fork();
  if (pid < 0) {
    *error = Errno("fork", errno);
    return -1;
  }
  if (pid == 0) {
    _exit(fn() & 0xff);
  }
  return pid;
}

bool SpawnDetached(const SpawnOptions& opts, std::string* error) {
  SpawnOptions detached = opts;
  detached.new_session = true;
  PreparedSpawn p;
  if (!p.Prepare(detached, error)) {
    return false;
  }
  // The middle process only calls posix_spawn (clone + exec, no locks in
  // glibc) and exits with its errno: the program is reparented away from us.
  pid_t middle = ForkCall(
      [&p] {
        pid_t pid = -1;
        return p.Run(&pid);
      },
      error);
  p.CloseChildEnds();
  if (middle < 0) {
    return false;
  }
  ExitStatus s = Wait(middle);
  if (s.Success()) {
    return true;
  }
  *error = s.Exited() ? SpawnError(opts.argv[0], s.code)
                      : "cannot run " + opts.argv[0] + ": the launching process " + s.Describe();
  return false;
}

}  // namespace qc
