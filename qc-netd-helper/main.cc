// qc-netd-helper, the privileged half of qemu-compose. The start-up below is
// deliberately linear; SECURITY.md ("Start-up sequence") says why each step is here.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dnsmasq/dnsmasq.h"
#include "handlers/handlers.h"
#include "netd-request-loop.policy.h"
#include "seccomp_policy.h"
#include "seqpacket.h"

constexpr int kSock = 3;

static int Die(const std::string& why) {
  (void)std::fprintf(stderr, "qc-netd-helper: %s\n", why.c_str());
  return 2;
}

static qc::netd::Caller WhoCalls() {
  qc::netd::Caller c{getuid(), "", {getgid()}, {}};
  if (passwd* pw = getpwuid(c.uid)) {
    c.user = pw->pw_name;
  }
  gid_t groups[256];
  c.gids.insert(c.gids.end(), groups, groups + std::max(getgroups(256, groups), 0));
  for (gid_t g : c.gids) {
    if (group* gr = getgrgid(g)) {
      c.groups.emplace_back(gr->gr_name);
    }
  }
  return c;
}

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
  const pid_t launcher =
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == 0 ? fork() : -1;
  if (launcher < 0) {
    return Die("cannot start the dnsmasq launcher");
  }
  if (launcher == 0) {
    close(kSock);
    close(pair[0]);
    qc::netd::RunLauncher(pair[1], s.caller.uid, s.quotas.max_dnsmasq);
  }
  close(pair[1]);
  s.launcher_fd = pair[0];

  // Only CAP_NET_ADMIN stays; then no_new_privs and the seccomp allowlist.
  s.rtnl = qc::netd::ConnectRtnl(&err);
  if (s.rtnl == nullptr ||
      !qc::seccomp::Confine("cap_net_admin=pe", qc::seccomp::kNetdRequestLoop, &err)) {
    return Die(err);
  }
  return qc::netd::RunRequestLoop(s, kSock);
}
