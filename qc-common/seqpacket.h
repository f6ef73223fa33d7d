// One-datagram-per-message transport over AF_UNIX SOCK_SEQPACKET with
// optional SCM_RIGHTS fds. Shared by the frontend, the helper and the runner.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qc {

// Largest datagram either side sends or accepts. Anything larger is a
// protocol error (the receiver sees it as truncated).
inline constexpr std::size_t kMaxMessageBytes = std::size_t{16} * 1024;
// Largest number of fds accepted with one datagram (multiqueue TAPs).
inline constexpr std::size_t kMaxFdsPerMessage = 16;
// Protocol version spoken in Hello.
inline constexpr std::uint32_t kProtocolVersion = 1;

struct Received {
  std::vector<std::uint8_t> bytes;
  std::vector<int> fds;    // owned by the caller; close them
  bool truncated = false;  // datagram or its fds did not fit
  bool eof = false;        // peer closed
};

// Sends one datagram with fds attached. Returns 0 or -errno.
int SendMessage(int sock, const void* data, std::size_t len, const int* fds = nullptr,
                std::size_t nfds = 0);

// Receives one datagram of at most kMaxMessageBytes and up to
// kMaxFdsPerMessage fds (MSG_CMSG_CLOEXEC). Returns 0 or -errno; on a
// truncated datagram any fds that came with it are closed and dropped.
int ReceiveMessage(int sock, Received* out);

// True if fd is an AF_UNIX SOCK_SEQPACKET socket.
bool IsSeqpacketSocket(int fd);

}  // namespace qc
