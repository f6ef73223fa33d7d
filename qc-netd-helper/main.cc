// qc-netd-helper: the privileged half of qemu-compose. Started by the
// frontend with one end of socketpair(AF_UNIX, SOCK_SEQPACKET) as fd 3.
// The start-up sequence below is deliberately linear; see
// docs/helper-security-draft.md for why each step is here.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "caps.h"
#include "dnsmasq/launcher.h"
#include "netd-request-loop.policy.h"
#include "request_loop.h"
#include "seccomp_policy.h"
#include "seqpacket.h"

namespace {

constexpr int kSock = 3;

int Die(const std::string& why) {
  (void)std::fprintf(stderr, "qc-netd-helper: %s\n", why.c_str());
  return 2;
}

qc::netd::Caller WhoCalls() {
  qc::netd::Caller c;
  c.uid = getuid();
  if (passwd* pw = getpwuid(c.uid)) {
    c.user = pw->pw_name;
  }
  c.gids.push_back(getgid());
  gid_t groups[256];
  int n = getgroups(256, groups);
  for (int i = 0; i < n; ++i) {
    c.gids.push_back(groups[i]);
  }
  for (gid_t g : c.gids) {
    if (group* gr = getgrgid(g)) {
      c.groups.emplace_back(gr->gr_name);
    }
  }
  return c;
}

}  // namespace

int main() {
  if (!qc::IsSeqpacketSocket(kSock)) {
    return Die(
        "fd 3 must be an AF_UNIX SOCK_SEQPACKET socket; this program is started by qemu-compose");
  }
  // Scrub the caller's strings too (not only environ), so nothing of them
  // stays readable in /proc/<pid>/environ or usable by any later code.
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    explicit_bzero(*e, strlen(*e));
  }
  clearenv();
  for (int fd = 0; fd < 3; ++fd) {
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) {
      return Die("cannot open /dev/null");
    }
  }
  close_range(kSock + 1, ~0U, 0);

  qc::netd::Session s;
  s.caller = WhoCalls();
  s.gid = getgid();
  std::string err;
  if (!qc::netd::LoadPolicyFile(QC_POLICY_PATH, &s.policy, &err)) {
    return Die(err);
  }
  if (!qc::netd::CallerAllowed(s.policy, s.caller)) {
    return Die("user " + (s.caller.user.empty() ? std::to_string(s.caller.uid) : s.caller.user) +
               " is not allowed to use qc-netd-helper by " QC_POLICY_PATH);
  }
  s.quotas = qc::netd::EffectiveQuotas(s.policy, s.caller);

  // The launcher is forked before the loop loses fork/exec (seccomp).
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return Die("socketpair failed");
  }
  pid_t launcher = fork();
  if (launcher < 0) {
    return Die("fork failed");
  }
  if (launcher == 0) {
    close(kSock);
    close(pair[0]);
    qc::netd::RunLauncher(pair[1], s.caller.uid);
  }
  close(pair[1]);
  s.launcher_fd = pair[0];

  if (!s.rtnl.Connect(&err)) {
    return Die(err);
  }
  if (!qc::netd::KeepLoopCaps(&err)) {
    return Die(err);
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Die("cannot set no_new_privs");
  }
  if (!qc::seccomp::LoadPolicy(qc::seccomp::kNetdRequestLoop, &err)) {
    return Die(err);
  }
  return qc::netd::RunRequestLoop(s, kSock);
}
