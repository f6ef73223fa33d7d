// Starts qc-netd-helper exactly as the frontend does (socketpair on fd 3)
// and performs the Hello handshake, so doctor can show the helper's own
// view: the uid it sees, the allowed pools and the quotas.
#pragma once

#include <string>

#include "netd.pb.h"

namespace qc::tools {

struct HelperHello {
  bool replied = false;   // a decodable Reply came back
  qc::netd::Reply reply;  // valid if replied
  std::string failure;    // why there is no reply (exec failed, died, ...)
};

HelperHello ProbeHelper(const std::string& helper_path);

}  // namespace qc::tools
