// `qemu-compose console`: attach the user's terminal to a VM's serial
// console socket.
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "console_relay.h"
#include "fd_io.h"
#include "tools.h"
#include "unix_connect.h"

namespace qc::tools {
namespace {

volatile sig_atomic_t g_console_stop = 0;
void OnConsoleSignal(int /*sig*/) {
  g_console_stop = 1;
}

void Say(const std::string& text) {
  WriteAll(STDERR_FILENO, text.data(), text.size());
}

// Puts a terminal into raw mode and restores the saved settings when it
// goes out of scope, which covers every return path; signals that would end
// the process are turned into a stop request so this destructor still runs.
class RawTerminal {
 public:
  explicit RawTerminal(int fd) : fd_(fd) {
    if (isatty(fd_) == 0 || tcgetattr(fd_, &saved_) != 0) {
      return;
    }
    termios raw = saved_;
    cfmakeraw(&raw);
    if (tcsetattr(fd_, TCSAFLUSH, &raw) == 0) {
      active_ = true;
    }
  }
  ~RawTerminal() {
    if (active_) {
      tcsetattr(fd_, TCSAFLUSH, &saved_);
    }
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace

int RunConsole(const std::string& console_sock) {
  int sock = ConnectUnixStream(console_sock);
  if (sock < 0) {
    int err = -sock;
    if (err == ENOENT || err == ECONNREFUSED || err == ENOTDIR) {
      Say("qemu-compose console: VM is not running (no console socket at " + console_sock + ")\n");
    } else {
      Say("qemu-compose console: cannot connect to " + console_sock + ": " + std::strerror(err) +
          "\n");
    }
    return 1;
  }

  // Block the stop signals; RelayConsole unblocks them only inside ppoll.
  sigset_t stop_signals;
  sigset_t old_mask;
  sigemptyset(&stop_signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
    sigaddset(&stop_signals, sig);
  }
  sigprocmask(SIG_BLOCK, &stop_signals, &old_mask);
  struct sigaction sa {};
  struct sigaction old_actions[4]{};
  sa.sa_handler = OnConsoleSignal;
  sigemptyset(&sa.sa_mask);
  const int handled[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (int i = 0; i < 4; ++i) {
    sigaction(handled[i], &sa, &old_actions[i]);
  }
  struct sigaction ignore {};
  struct sigaction old_pipe {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe);
  g_console_stop = 0;

  Say("Connected to " + console_sock + ". Press Ctrl-] to detach.\n");
  RelayEnd end;
  std::string error;
  {
    RawTerminal raw(STDIN_FILENO);
    end = RelayConsole(STDIN_FILENO, STDOUT_FILENO, sock, &g_console_stop, &old_mask, &error);
  }  // terminal restored here, before any message is printed
  close(sock);

  for (int i = 0; i < 4; ++i) {
    sigaction(handled[i], &old_actions[i], nullptr);
  }
  sigaction(SIGPIPE, &old_pipe, nullptr);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);

  switch (end) {
    case RelayEnd::kDetached:
      Say("\nDetached from the console (the VM keeps running).\n");
      return 0;
    case RelayEnd::kPeerClosed:
      Say("\nThe console closed (the VM stopped).\n");
      return 0;
    case RelayEnd::kInputClosed:
      return 0;
    case RelayEnd::kStopped:
      Say("\nInterrupted; detached from the console.\n");
      return 130;
    case RelayEnd::kError:
      break;
  }
  Say("qemu-compose console: " + error + "\n");
  return 1;
}

}  // namespace qc::tools
