// Integration-test harness: runs the installed product for real, as
// unprivileged test users, inside private network namespaces.
// See README.md in this directory.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace qc::itest {

struct CmdResult {
  int exit_code;  // exit status, -signal if killed, INT_MIN if it timed out
  std::string out;
  std::string err;
};

struct User {
  std::string name;
  uid_t uid;
  gid_t gid;
  std::string home;
};
// Created by the `itest` setup fixture (tests/integration/setup.sh); throws
// (failing the test with a clear message) if the user does not exist.
const User& UserA();  // "qc-it-a"
const User& UserB();  // "qc-it-b"

// The product as installed for this test run by the setup fixture.
struct Install {
  std::string prefix;
  std::string frontend;      // <prefix>/bin/qemu-compose
  std::string helper;        // <prefix>/libexec/qemu-compose/qc-netd-helper
  std::string runner;        // <prefix>/libexec/qemu-compose/qc-vmrunner
  std::string guest_kernel;  // <prefix>/share/qemu-compose/guest/vmlinuz
  std::string guest_initrd;  // <prefix>/share/qemu-compose/guest/initramfs.gz
};
// From env QC_IT_PREFIX (set by ctest); throws if unset or not installed.
const Install& GetInstall();

// A fresh directory under /tmp owned by the user, mode 0755, removed at exit.
std::string ScratchDir(const User& u);

// A private network namespace ("qcit-<pid>-<n>", loopback up). The destructor
// kills every process inside it and deletes it.
class Netns {
 public:
  Netns();
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }

  // `sh -c SH` as root inside the namespace; waits for the shell to exit
  // (not for background children that keep its stdout open).
  CmdResult Run(const std::string& sh) const;
  // `sh -c SH` as user u inside the namespace, clean env plus "K=V" entries,
  // cwd = the user's home.
  CmdResult RunAs(const User& u, const std::string& sh,
                  const std::vector<std::string>& env = {}) const;

  // fork; child: setns into this netns (with its own /sys, as `ip netns exec`),
  // if u: initgroups/setresgid/setresuid to u; clean env (HOME, USER, LOGNAME,
  // PATH, SHELL) plus env "K=V"; stdin /dev/null; stdout/stderr appended to the
  // given files (else inherited); dup2(fd3, 3) if fd3 >= 0; all other fds > 2
  // closed; execvp(argv[0], argv). Does NOT set no_new_privs, so file
  // capabilities (the helper's) work. Returns the pid (a child of the caller).
  pid_t Spawn(const User* u, const std::vector<std::string>& argv, int fd3 = -1,
              const std::vector<std::string>& env = {}, const std::string& stdout_path = "",
              const std::string& stderr_path = "") const;

  // Like RunAs/Run with an explicit timeout (ms); on timeout the shell is
  // killed and exit_code is INT_MIN. u == nullptr runs as root.
  CmdResult RunWithTimeout(const User* u, const std::string& sh, int timeout_ms,
                           const std::vector<std::string>& env = {}) const;

 private:
  std::string name_;
  int fd_ = -1;  // /run/netns/<name>
};

// Exit code, or -signal, or INT_MIN on timeout (the process is then SIGKILLed
// and reaped). pid must be a child of the caller (e.g. from Spawn).
int WaitPid(pid_t pid, int timeout_ms);
// Polls cond until it returns true (true) or timeout_ms passes (false).
bool WaitFor(const std::function<bool()>& cond, int timeout_ms, int poll_ms = 100);
// Whole file, or "" if it cannot be read.
std::string ReadFile(const std::string& path);

// QMP: connects to a QEMU monitor socket, negotiates capabilities, sends one
// command (e.g. R"({"execute":"system_powerdown"})") and returns its reply line
// ({"return": ...} or {"error": ...}); throws on connection failure or timeout.
std::string QmpExecute(const std::string& socket_path, const std::string& command_json,
                       int timeout_ms = 10000);

// Types `text` into a guest's serial console exposed as a QEMU chardev unix
// socket (server=on); e.g. "ping -c1 vm2 && echo PING-OK\n" for the guest's
// root shell. Stays connected until the echo came back (at most 10 s), since
// QEMU drops input still queued when the client leaves. Throws if the socket
// cannot be reached.
void ConsoleWrite(const std::string& socket_path, const std::string& text);

// For every occurrence of `marker` (e.g. "QC-LEASE") in `text`, the rest of
// its line from the marker on, without "\r" (serial logs have CRLF and a
// shell prompt may precede a marker on the same line).
std::vector<std::string> MarkerLines(const std::string& text, const std::string& marker);
// Value of "key=value" in a space-separated line, or "" if absent.
std::string FieldOf(const std::string& line, const std::string& key);

}  // namespace qc::itest
