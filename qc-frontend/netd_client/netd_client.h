// Client side of proto/netd.proto: starts qc-netd-helper on a socketpair
// (its fd 3) and sends it one request at a time.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "netd.pb.h"

namespace qc::netd_client {

class NetdClient {
 public:
  // Spawns the helper and does the Hello handshake. nullptr + error if the
  // helper is missing, refuses, or speaks another version.
  static std::unique_ptr<NetdClient> Start(const std::string& helper_path, std::string* error);
  // Spawns the helper and queues the Hello without waiting for the answer,
  // so the caller can work while the helper starts up; the first call (or
  // FinishHandshake) collects it. nullptr + error if it cannot be spawned.
  static std::unique_ptr<NetdClient> Spawn(const std::string& helper_path, std::string* error);
  // Waits for the Hello reply of Spawn, if not done yet.
  bool FinishHandshake(std::string* error);
  ~NetdClient();
  NetdClient(const NetdClient&) = delete;
  NetdClient& operator=(const NetdClient&) = delete;

  // Sends `req`, waits for the reply. fds received are appended to *fds (if
  // non-null; otherwise closed). false + error on transport failure or a
  // non-OK status; the error carries the helper's message.
  bool Call(const qc::netd::Request& req, qc::netd::Reply* reply, std::vector<int>* fds,
            std::string* error);

  // Pipelined calls: sends every request before reading the first reply, so
  // the helper works through them back to back instead of waiting for this
  // process to be scheduled between round trips. For request i: (*errors)[i]
  // is "" if it succeeded, else the helper's reason; (*fds)[i] gets its fds.
  // false + error only if the helper cannot be talked to (no fds kept then).
  bool CallAll(const std::vector<qc::netd::Request>& reqs, std::vector<qc::netd::Reply>* replies,
               std::vector<std::vector<int>>* fds, std::vector<std::string>* errors,
               std::string* error);

  // Convenience wrappers for the single calls the commands make.
  bool DisableNat(const std::string& bridge, std::string* error);
  bool StartDhcp(const std::string& bridge, const std::string& state_dir, const std::string& domain,
                 int* pid, std::string* error);
  // NOT_FOUND counts as success (idempotent).
  bool DeleteTap(const std::string& name, std::string* error);
  bool DeleteBridge(const std::string& name, std::string* error);
  bool ListOwned(qc::netd::OwnedLinks* out, std::string* error);

  const qc::netd::HelloReply& hello() const { return hello_; }

 private:
  NetdClient(int sock, pid_t pid) : sock_(sock), pid_(pid) {}
  bool Send(const qc::netd::Request& req, std::string* error);
  bool Receive(qc::netd::Reply* reply, std::vector<int>* fds, std::string* error);
  int sock_;
  pid_t pid_;
  bool handshake_pending_ = false;
  qc::netd::HelloReply hello_;
};

std::string StatusName(qc::netd::Status s);

}  // namespace qc::netd_client
