#include "commands/vm_status.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <future>

#include "commands/guest_access.h"
#include "commands/vm_probe.h"
#include "readiness/guest_state.h"

namespace qc::commands {
namespace {

// A server behind the forward speaks first (SSH banner). With user-mode
// networking QEMU itself accepts every connection, so a bare connect
// proves nothing; one byte from the guest does.
bool PortAnswers(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    pollfd p{fd, POLLIN, 0};
    char c;
    ok = poll(&p, 1, 300) == 1 && recv(fd, &c, 1, 0) == 1;
  }
  close(fd);
  return ok;
}

// What the files and /proc tell; s.status stays "" when only QEMU itself
// (QMP) or the guest (its port) can tell the rest.
VmStatus ProbeLocally(const Context& ctx, const std::string& vm, const state::NetworksFile& nf) {
  VmStatus s;
  std::string err;
  if (!state::LoadVm(ctx.layout.VmJson(vm), &s.st, &s.has_state, &err) || !s.has_state) {
    s.has_state = false;
    return s;
  }
  for (const auto& nic : s.st.nics) {
    if (nic.network.empty()) {
      continue;
    }
    s.ip = nic.ip;
    if (auto it = nf.find(nic.network); it != nf.end()) {
      for (const auto& r : it->second.reservations) {
        if (r.vm == vm && r.mac == nic.mac) {
          s.ip = r.ip;
        }
      }
    }
    break;
  }
  if (!VmQemuAlive(ctx, vm, s.st, &s.pid)) {
    s.status = "stopped";
    return s;
  }
  std::string mac = s.st.nics.empty() ? "" : s.st.nics[0].mac;
  if (!mac.empty()) {
    s.lease = LeaseFromSerialLog(ctx.layout.SerialLog(vm), mac);
    if (s.lease.empty() && !s.st.nics[0].network.empty()) {
      // QEMU writes its pid file as it starts: older leases are a past run's.
      struct stat pidfile {};
      std::time_t started = stat(ctx.layout.PidFile(vm).c_str(), &pidfile) == 0
                                ? pidfile.st_mtime
                                : std::time(nullptr);
      s.lease = LeaseFromLeasesFile(ctx.layout.Leases(s.st.nics[0].network), mac, started);
    }
  }
  if (IsCloudVm(ctx, vm)) {
    // Ready = SSH + cloud-init, then healthy/unhealthy: what its watcher
    // saw in this QEMU run (a lease comes long before). "" = ask QMP.
    readiness::GuestState gs;
    if (readiness::LoadGuestState(readiness::GuestStatePath(ctx.layout.VmDir(vm)), &gs) &&
        gs.qemu_pid == s.pid && gs.ready_ms != 0) {
      s.status = readiness::GuestStatus(gs);
    }
    return s;
  }
  // A lease granted in this QEMU run means the guest ran far enough to ask
  // for it: ready, without a QMP round trip (qemu-compose never pauses a
  // VM). Otherwise QMP tells a QEMU still starting from a running one.
  s.status = s.lease.empty() ? "" : "ready";
  return s;
}

void ProbeRemotely(const Context& ctx, const std::string& vm, VmStatus* s) {
  std::string run_state = QmpRunState(ctx.layout.QmpSocket(vm), 1000);
  if (run_state != "running") {
    s->status = "starting";
  } else if (IsCloudVm(ctx, vm)) {
    s->status = "running";  // ProbeLocally found no readiness in guest.json
  } else {
    s->status = VmReady(ctx, *s) ? "ready" : "running";
  }
}

}  // namespace

VmStatus ProbeVm(const Context& ctx, const std::string& vm, const state::NetworksFile& nf) {
  VmStatus s = ProbeLocally(ctx, vm, nf);
  if (s.status.empty()) {
    ProbeRemotely(ctx, vm, &s);
  }
  return s;
}

std::vector<VmStatus> ProbeVms(const Context& ctx, const std::vector<std::string>& vms,
                               const state::NetworksFile& nf) {
  std::vector<VmStatus> out;
  out.reserve(vms.size());
  for (const auto& vm : vms) {
    out.push_back(ProbeLocally(ctx, vm, nf));
  }
  // Only VMs the files cannot settle need a thread of their own.
  std::vector<std::future<void>> remote;
  for (std::size_t i = 0; i < vms.size(); ++i) {
    if (out[i].status.empty()) {
      remote.push_back(std::async(std::launch::async,
                                  [&ctx, &vms, &out, i] { ProbeRemotely(ctx, vms[i], &out[i]); }));
    }
  }
  for (auto& r : remote) {
    r.get();
  }
  return out;
}

bool VmReady(const Context& ctx, const VmStatus& s) {
  if (!s.lease.empty()) {
    return true;
  }
  return s.st.port > 0 && PortAnswers(s.st.port);
}

std::string AddressColumn(const Context& ctx, const std::string& vm, const VmStatus& s) {
  if (!s.ip.empty()) {
    return s.ip;
  }
  if (s.st.port <= 0) {
    return "";
  }
  std::string col = "127.0.0.1:" + std::to_string(s.st.port) + "->22";
  if (auto it = ctx.project.vms.find(vm); it != ctx.project.vms.end()) {
    for (const auto& p : it->second.ports) {
      col += ", 127.0.0.1:" + std::to_string(p.host) + "->" + std::to_string(p.guest);
      if (p.protocol != "tcp") {
        col += "/" + p.protocol;
      }
    }
  }
  return col;
}

}  // namespace qc::commands
