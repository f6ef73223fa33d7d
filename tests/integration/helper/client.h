// Test-side client of qc-netd-helper: starts the helper as a given user in a
// given network namespace with a socketpair on fd 3, sends Requests and
// receives Replies (+ TAP fds). Reusable by other tests and tools.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness.h"
#include "netd.pb.h"

namespace qc::itest {

class HelperClient {
 public:
  HelperClient() = default;
  HelperClient(const HelperClient&) = delete;
  HelperClient& operator=(const HelperClient&) = delete;
  ~HelperClient();

  // Starts `helper` as user u inside ns with one end of a fresh
  // socketpair(AF_UNIX, SOCK_SEQPACKET) as fd 3, exactly as the frontend
  // does. The helper's stderr is appended to stderr_path if given.
  void Start(const Netns& ns, const User& u, const std::string& helper,
             const std::string& stderr_path = "");
  // The same with any command line that ends up exec'ing the helper, run as
  // u (root if null): e.g. a wrapper that changes the helper's mount namespace.
  void StartCommand(const Netns& ns, const User* u, const std::vector<std::string>& argv,
                    const std::string& stderr_path = "");

  // One request, one reply. False if the helper is gone or the reply undecodable.
  bool Call(const qc::netd::Request& req, qc::netd::Reply* reply, std::vector<int>* fds = nullptr);
  // Sends raw bytes and reads one reply.
  bool CallRaw(const std::string& bytes, qc::netd::Reply* reply);
  // Hello with the current protocol version; true if OK.
  bool Hello(qc::netd::Reply* reply = nullptr);

  // Closes the socket and waits (10 s at most); returns the exit code as
  // WaitPid does (-signal if killed, INT_MIN on timeout; -1 if not started).
  int Finish();
  pid_t pid() const { return pid_; }
  int sock() const { return sock_; }

 private:
  pid_t pid_ = -1;
  int sock_ = -1;
};

// Convenience builders.
qc::netd::Request CreateBridgeReq(const std::string& name);
qc::netd::Request DeleteBridgeReq(const std::string& name);
qc::netd::Request AddAddressReq(const std::string& bridge, const std::string& cidr);
qc::netd::Request CreateTapReq(const std::string& name, const std::string& bridge,
                               unsigned queues = 1);
qc::netd::Request DeleteTapReq(const std::string& name);
qc::netd::Request EnableNatReq(const std::string& bridge);
qc::netd::Request DisableNatReq(const std::string& bridge);
qc::netd::Request StartDhcpReq(const std::string& bridge, const std::string& state_dir,
                               const std::string& domain);
qc::netd::Request ListOwnedReq();
qc::netd::Request SetForwardingReq();

}  // namespace qc::itest
