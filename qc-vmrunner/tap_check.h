// Verifies that the fds handed to the runner really are the TAPs the spec
// names, attached to the spec's bridges, before QEMU gets them.
#pragma once

#include <string>
#include <vector>

#include "vmspec.pb.h"

namespace qc::runner {

// fds[i] is the fd the spec calls tap_fd_index i. For each bridge NIC:
// TUNGETIFF on each fd reports IFF_TAP and the NIC's tap_name (and
// IFF_MULTI_QUEUE when the NIC has several fds), and that link's master
// (looked up over rtnetlink in the runner's network namespace) is the NIC's
// bridge. Call after ValidateSpecFields.
bool CheckTapFds(const qc::vm::VmSpec& spec, const std::vector<int>& fds, std::string* err);

}  // namespace qc::runner
