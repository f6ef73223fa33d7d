// Reads one Request per datagram from the frontend and answers each with
// exactly one Reply, until the peer closes the socket.
#pragma once

#include "session.h"

namespace qc::netd {

// Returns the process exit code: 0 when the peer closed, 1 on a socket error.
int RunRequestLoop(Session& s, int sock);

}  // namespace qc::netd
