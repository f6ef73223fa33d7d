// Can this kernel do nf_tables? Asked for real over nfnetlink.
#pragma once

#include "doctor_checks.h"

namespace qc::tools {

// Sends NFT_MSG_GETGEN. Unprivileged users get EPERM in the host's network
// namespace, so it retries in a fresh user+network namespace of its own (a
// forked child), where the user holds CAP_NET_ADMIN; the kernel's nf_tables
// support is the same there.
CheckResult CheckNfTables();

}  // namespace qc::tools
