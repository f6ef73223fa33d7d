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
  // Spawns the helper early when it will probably be needed, so its
  // start-up overlaps the caller's own work. Errors surface in Get().
  void Prefetch() {
    if (!client_ && spawn_error_.empty()) {
      client_ = netd_client::NetdClient::Spawn(paths::HelperPath(), &spawn_error_);
    }
  }

  // nullptr + error if the helper cannot be started.
  netd_client::NetdClient* Get(std::string* error) {
    if (!client_) {
      spawn_error_.clear();
      client_ = netd_client::NetdClient::Start(paths::HelperPath(), error);
    } else if (!client_->FinishHandshake(error)) {
      client_.reset();  // a retry spawns a fresh helper
    }
    return client_.get();
  }

 private:
  std::unique_ptr<netd_client::NetdClient> client_;
  std::string spawn_error_;
};

}  // namespace qc::commands
