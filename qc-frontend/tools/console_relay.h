// The byte relay behind `qemu-compose console`: terminal <-> VM console
// socket, with Ctrl-] as the detach key. Separate from the terminal and
// socket setup so tests can drive it with pipes and a socketpair.
#pragma once

#include <csignal>
#include <string>

namespace qc::tools {

inline constexpr char kDetachByte = 0x1d;  // Ctrl-]

enum class RelayEnd {
  kDetached,     // the user typed Ctrl-]
  kPeerClosed,   // the VM side closed the console (VM stopped)
  kInputClosed,  // our input reached EOF (e.g. piped stdin)
  kStopped,      // *stop was set by a signal handler
  kError,        // read/write failed; see the error string
};

// Copies in_fd -> sock_fd and sock_fd -> out_fd until one of RelayEnd
// happens. Bytes typed before Ctrl-] in the same read are still sent;
// nothing after it is. Signals listed in `wake_signals` must be blocked by
// the caller; they are unblocked only while waiting, so a stop request is
// never missed.
RelayEnd RelayConsole(int in_fd, int out_fd, int sock_fd, const volatile sig_atomic_t* stop,
                      const sigset_t* wait_mask, std::string* error);

}  // namespace qc::tools
