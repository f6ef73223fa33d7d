// Shared bits of the hostile-client suite: refusals that must leave the
// namespace untouched, and the helper's resource use seen from /proc.
#pragma once

#include <sys/types.h>

#include <string>

#include "client.h"
#include "harness.h"
#include "helper_test_util.h"

namespace qc::itest {

// Sends req and checks the reply: the given status, a message containing
// `says`, and (the caller checks NetDump afterwards) nothing else.
// Returns a description of what went wrong, or "" if the reply is as expected.
std::string ExpectReply(HelperClient* c, const netd::Request& req, netd::Status status,
                        const std::string& says);

// Creates bridge `name` as c's user (and adds `cidr` if given); asserts success.
void MakeBridge(HelperClient* c, const std::string& name, const std::string& cidr = "");

// Waits until `link` is operationally UP. A bridge gets there a moment after
// its first port forwards; dumps compared across that moment would differ.
bool WaitOperUp(const Netns& ns, const std::string& link);

// Number of open fds of pid (entries of /proc/<pid>/fd); -1 if unreadable.
int FdCount(pid_t pid);
// VmRSS of pid in kB; -1 if unreadable.
long RssKb(pid_t pid);

// True while pid exists and is not a zombie.
bool Alive(pid_t pid);

// The TAP fd carries a frame onto `bridge` (seen by an AF_PACKET socket on it).
bool TapCarriesFrames(const Netns& ns, int tap_fd, const std::string& bridge);

// A helper with a test-controlled policy file: copied next to its policy
// into a root-owned directory and setcap'd like the real install.
class PolicyHelper {
 public:
  PolicyHelper();
  ~PolicyHelper();
  PolicyHelper(const PolicyHelper&) = delete;
  PolicyHelper& operator=(const PolicyHelper&) = delete;
  void WritePolicy(const std::string& text) const;
  std::string path() const;
};

}  // namespace qc::itest
