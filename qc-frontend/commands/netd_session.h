// Starts the network helper on first use only, so commands that need no
// bridge work never spawn it.
#pragma once

#include <memory>
#include <string>

#include "netd_client/netd_client.h"
#include "paths/exe_paths.h"

namespace qc::commands {

class NetdSession {
 public:
  // nullptr + error if the helper cannot be started.
  netd_client::NetdClient* Get(std::string* error) {
    if (!client_) {
      client_ = netd_client::NetdClient::Start(paths::HelperPath(), error);
    }
    return client_.get();
  }

 private:
  std::unique_ptr<netd_client::NetdClient> client_;
};

}  // namespace qc::commands
