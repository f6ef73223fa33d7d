// The one way this project starts a program: posix_spawn with explicit file
// actions (only the fds asked for survive: 0-2 and the ones in pass_fds),
// optional new session, environment and working directory, optional
// resource limits, and one wait that handles EINTR and ECHILD. Why each
// choice: docs/decisions.md ("Process launcher").
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qc {

// What one of the child's fds 0, 1 or 2 is.
struct Redirect {
  enum class Kind {
    kInherit,  // ours
    kNull,     // /dev/null
    kPipe,     // a pipe whose other end the caller reads (stdout/stderr only)
    kFd,       // a copy of fd
    kStdout,   // stderr only: the same as the child's stdout
  };
  Kind kind = Kind::kInherit;
  int fd = -1;

  static Redirect Inherit() { return {}; }
  static Redirect Null() { return {Kind::kNull, -1}; }
  static Redirect Pipe() { return {Kind::kPipe, -1}; }
  static Redirect Fd(int fd) { return {Kind::kFd, fd}; }
  static Redirect Stdout() { return {Kind::kStdout, -1}; }
};

// Limits the child runs under (0 = not limited). posix_spawn has no rlimit
// action, so a limited child is exec'd through util-linux prlimit(1), which
// sets them on itself and execs the program (docs/decisions.md).
struct ResourceLimits {
  unsigned long cpu_seconds = 0;         // RLIMIT_CPU, soft = hard
  unsigned long long address_space = 0;  // RLIMIT_AS in bytes, soft = hard
  bool any() const { return cpu_seconds != 0 || address_space != 0; }
};

// Where prlimit(1) is expected (util-linux, Essential on Debian): a fixed
// path, never looked up in PATH.
inline constexpr const char* kPrlimitPath = "/usr/bin/prlimit";

struct SpawnOptions {
  std::vector<std::string> argv;                // argv[0]: a path, or a name if search_path
  bool search_path = false;                     // look argv[0] up in PATH (of env, else ours)
  std::optional<std::vector<std::string>> env;  // "K=V" entries; nullopt = ours
  std::string cwd;                              // empty = ours
  Redirect in = Redirect::Inherit();
  Redirect out = Redirect::Inherit();
  Redirect err = Redirect::Inherit();
  // {fd in the child (>= 3), fd here}: passed without close-on-exec. Every
  // other fd above 2 is closed in the child, close-on-exec or not.
  std::vector<std::pair<int, int>> pass_fds;
  bool new_session = false;  // setsid(): own session and process group
  ResourceLimits limits;
};

// How a child ended.
struct ExitStatus {
  int code = -1;         // exit code when it exited
  int signal = 0;        // the signal that killed it, else 0
  bool unknown = false;  // reaped by someone else (ECHILD): nothing is known

  static ExitStatus FromWaitStatus(int status);
  bool Exited() const { return !unknown && signal == 0 && code >= 0; }
  bool Success() const { return Exited() && code == 0; }
  // "exited with status 3", "was killed by signal 9 (Killed)", ...
  std::string Describe() const;
};

// A started child. Owns the parent ends of its pipes; does not wait for it
// (call Wait* with pid(): a child nobody waits for stays a zombie until we
// exit).
class Child {
 public:
  Child() = default;
  ~Child();
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  int stdout_fd() const { return out_; }  // -1 unless out was kPipe
  int stderr_fd() const { return err_; }  // -1 unless err was kPipe
  bool new_session() const { return new_session_; }

 private:
  friend bool Spawn(const SpawnOptions& opts, Child* child, std::string* error);
  void CloseFds();
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool new_session_ = false;
};

// Starts the program. false + *error (naming the program and errno) if it
// could not be started, e.g. it does not exist or is not executable: exec
// failures are reported here, not as exit status 127.
bool Spawn(const SpawnOptions& opts, Child* child, std::string* error);

// Waits for our child pid. EINTR is retried; ECHILD (someone else reaped it,
// or SIGCHLD is ignored) ends the wait with ExitStatus::unknown.
ExitStatus Wait(pid_t pid);
// Same, for at most timeout_ms; nullopt if it is still running.
std::optional<ExitStatus> WaitFor(pid_t pid, int timeout_ms);
// WaitFor, then SIGKILL (to its process group if kill_group) and Wait.
// *killed (optional) says whether the kill was needed.
ExitStatus WaitOrKill(pid_t pid, int timeout_ms, bool kill_group, bool* killed = nullptr);

struct RunResult {
  std::string spawn_error;  // not started at all (then status is unknown)
  ExitStatus status;
  bool timed_out = false;  // killed by Run after timeout_ms
  std::string out;         // what it wrote to a kPipe stdout (up to max_capture)
  std::string err;         // ... and to a kPipe stderr
  bool Success() const { return spawn_error.empty() && !timed_out && status.Success(); }
  // spawn_error, "timed out after N s", or status.Describe().
  std::string Describe(int timeout_ms) const;
};

// RunProcess: spawns, collects kPipe output and waits. After timeout_ms (< 0: never)
// the child is killed with SIGKILL (its whole process group when
// new_session) and reaped. Output is read until the child has exited and
// its pipes are drained; a grandchild still holding them is not waited for.
RunResult RunProcess(const SpawnOptions& opts, int timeout_ms = -1,
                     std::size_t max_capture = std::size_t{1} << 20);

// Starts the program so that it is NOT our child (a double fork: a short-
// lived middle process spawns it and exits at once), so nothing has to wait
// for it and it leaves no zombie in a long-running caller. new_session is
// implied. Returns once the program has been exec'd (or failed to be).
bool SpawnDetached(const SpawnOptions& opts, std::string* error);

// Runs fn in a forked child whose exit code is fn's return value, for work
// that must happen in another process without an exec (e.g. unshare()).
// fn must only make async-signal-safe calls if the caller has threads.
// Returns the child's pid (wait with Wait*), or -1 + *error.
pid_t ForkCall(const std::function<int()>& fn, std::string* error);

}  // namespace qc
