#include "e2e_project.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace qc::itest::e2e {
namespace {

constexpr int kGuestCheckTimeoutMs = 180 * 1000;
constexpr int kLeaseLineTimeoutMs = 60 * 1000;

// Appends every piece: one string grown in place, no temporaries.
template <typename... Parts>
void Append(std::string* s, const Parts&... parts) {
  (s->append(parts), ...);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

nlohmann::json Lan(const Project& p) {
  nlohmann::json nets = p.Networks();
  return nets.contains("lan") ? nets["lan"] : nlohmann::json::object();
}

nlohmann::json ReservationOf(const Project& p, const std::string& vm) {
  for (const auto& r : Lan(p).value("reservations", nlohmann::json::array())) {
    if (r.value("vm", "") == vm) {
      return r;
    }
  }
  return nlohmann::json::object();
}

nlohmann::json PsRow(const Project& p, const std::string& vm) {
  CmdResult ps = p.Qc("ps --format json");
  auto rows = nlohmann::json::parse(ps.out, nullptr, false);
  if (ps.exit_code == 0 && rows.is_array()) {
    for (const auto& r : rows) {
      if (r.value("name", "") == vm) {
        return r;
      }
    }
  }
  return nlohmann::json::object();
}

}  // namespace

Project::Project(const Netns& ns, const User& user, std::string name, std::vector<std::string> vms,
                 const std::string& subnet)
    : ns_(ns), user_(user), name_(std::move(name)), vms_(std::move(vms)), dir_(ScratchDir(user)) {
  WriteCompose(Compose(subnet));
}

std::string Project::Compose(const std::string& subnet) const {
  const Install& in = GetInstall();
  std::string y = "name: " + name_ + "\nvms:\n";
  for (const auto& vm : vms_) {
    Append(&y, "  ", vm, ":\n    kernel: ", in.guest_kernel, "\n    initrd: ", in.guest_initrd,
           "\n    cmdline: console=ttyS0 quiet panic=-1 qc.hostname=", vm,
           "\n    accel: tcg\n    memory: 128M\n    stop_grace_period: 90s\n    networks: [lan]\n");
  }
  return y + "networks:\n  lan:\n    driver: bridge\n    subnet: " + subnet + "\n";
}

void Project::WriteCompose(const std::string& yaml) const {
  CmdResult w =
      ns_.RunAs(user_, "cat > " + dir_ + "/qemu-compose.yaml <<'QC_EOF'\n" + yaml + "QC_EOF\n");
  if (w.exit_code != 0) {
    throw std::runtime_error("cannot write the compose file: " + w.err);
  }
}

CmdResult Project::Qc(const std::string& args, int timeout_ms) const {
  return ns_.RunWithTimeout(&user_, "cd " + dir_ + " && " + GetInstall().frontend + " " + args,
                            timeout_ms);
}

pid_t Project::SpawnQc(const std::string& args) const {
  std::string log = dir_ + "/spawned.log";
  return ns_.Spawn(
      &user_, {"/bin/sh", "-c", "cd " + dir_ + " && exec " + GetInstall().frontend + " " + args},
      -1, {}, log, log);
}

std::string Project::SpawnedOutput() const {
  return ReadFile(dir_ + "/spawned.log");
}

CmdResult Project::UpWait() const {
  return Qc("up --wait --timeout " + std::to_string(kUpWaitS), kUpTimeoutMs);
}

std::string Project::SerialLog(const std::string& vm) const {
  return StateDir() + "/" + vm + "/serial.log";
}

nlohmann::json Project::Networks() const {
  auto j = nlohmann::json::parse(ReadFile(StateDir() + "/networks.json"), nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string Project::Bridge() const {
  return Lan(*this).value("bridge", "");
}
std::string Project::Subnet() const {
  return Lan(*this).value("subnet", "");
}
int Project::DnsmasqPid() const {
  return Lan(*this).value("dnsmasq_pid", 0);
}

std::string Project::ReservedIp(const std::string& vm) const {
  return ReservationOf(*this, vm).value("ip", "");
}
std::string Project::ReservedMac(const std::string& vm) const {
  return Lower(ReservationOf(*this, vm).value("mac", ""));
}

int Project::QemuPid(const std::string& vm) const {
  return PsRow(*this, vm).value("pid", 0);
}
std::string Project::Status(const std::string& vm) const {
  return PsRow(*this, vm).value("status", "");
}

std::vector<std::string> Project::Leases(const std::string& vm) const {
  return MarkerLines(ReadFile(SerialLog(vm)), "QC-LEASE");
}

bool Project::GuestSucceeds(const std::string& vm, const std::string& check) const {
  // The console echoes what we type, so the guest's shell computes the
  // verdict (42 or 55) and the typed line never contains it. A few tries:
  // a just-restarted dnsmasq or a fresh ARP entry may need a moment.
  std::string tag = "QCT" + std::to_string(++console_serial_) + "=";
  ConsoleWrite(StateDir() + "/" + vm + "/console.sock",
               "ok=; for i in 1 2 3 4 5; do if " + check +
                   "; then ok=1; break; fi; sleep 2; done; if [ -n \"$ok\" ]; then echo " + tag +
                   "$((40+2)); else echo " + tag + "$((50+5)); fi\n");
  std::string verdict;
  WaitFor(
      [&] {
        std::string log = ReadFile(SerialLog(vm));
        if (log.find(tag + "42") != std::string::npos) {
          verdict = "yes";
        } else if (log.find(tag + "55") != std::string::npos) {
          verdict = "no";
        }
        return !verdict.empty();
      },
      kGuestCheckTimeoutMs, 200);
  return verdict == "yes";
}

std::string Project::Diagnostics() const {
  std::string d;
  for (const auto& vm : vms_) {
    Append(&d, "\n--- ", vm, "/serial.log ---\n", ReadFile(SerialLog(vm)), "\n--- ", vm,
           "/runner.log ---\n", ReadFile(StateDir() + "/" + vm + "/runner.log"));
  }
  Append(&d, "\n--- networks.json ---\n", ReadFile(StateDir() + "/networks.json"),
         "\n--- dnsmasq.log ---\n", ReadFile(StateDir() + "/dnsmasq/lan/dnsmasq.log"),
         "\n--- background commands ---\n", SpawnedOutput());
  return d;
}

std::string CheckLeasesMatchReservations(const Project& p) {
  std::string prefix = p.Subnet().substr(p.Subnet().find('/'));
  std::string problems;
  for (const auto& vm : p.vms()) {
    std::string status = p.Status(vm);
    // Ready may come from dnsmasq's leases file a moment before the guest
    // prints its lease line.
    WaitFor([&] { return !p.Leases(vm).empty(); }, kLeaseLineTimeoutMs, 200);
    auto leases = p.Leases(vm);
    std::string reserved = p.ReservedIp(vm);
    if (status != "ready" || leases.empty() || reserved.empty()) {
      Append(&problems, vm, ": status '", status, "', ", std::to_string(leases.size()),
             " lease line(s), reservation '", reserved, "'\n");
      continue;
    }
    if (FieldOf(leases.back(), "ip") != reserved + prefix ||
        Lower(FieldOf(leases.back(), "mac")) != p.ReservedMac(vm)) {
      Append(&problems, vm, ": leased '", leases.back(), "' but reserved ", reserved, prefix,
             " for ", p.ReservedMac(vm), "\n");
    }
  }
  return problems;
}

bool Alive(int pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  auto rp = stat.rfind(')');
  return pid > 0 && rp != std::string::npos && rp + 2 < stat.size() && stat[rp + 2] != 'Z';
}

std::string UserProcessesIn(const Netns& ns, uid_t uid) {
  std::istringstream pids(ns.Run("ip netns pids " + ns.name()).out);
  std::string found;
  int pid = 0;
  while (pids >> pid) {
    std::string status = ReadFile("/proc/" + std::to_string(pid) + "/status");
    auto at = status.find("\nUid:\t");
    if (!Alive(pid) || at == std::string::npos ||
        std::stoul(status.substr(at + 6)) != static_cast<unsigned long>(uid)) {
      continue;
    }
    std::string comm = ReadFile("/proc/" + std::to_string(pid) + "/comm");
    comm.erase(comm.find_last_not_of('\n') + 1);
    found += comm + "(" + std::to_string(pid) + ") ";
  }
  return found;
}

std::string Leftovers(const Netns& ns, const std::vector<std::string>& bridges,
                      const std::vector<uid_t>& uids) {
  std::string left;
  std::istringstream links(ns.Run("ip -o link show").out);
  for (std::string line; std::getline(links, line);) {
    if (line.find(": qc-") != std::string::npos || line.find(": tap-") != std::string::npos) {
      left += "link: " + line + "\n";
    }
  }
  // The table may stay (empty of this project's rules) or be gone.
  std::string table = ns.Run("nft list table ip qemu_compose 2>/dev/null").out;
  for (const auto& br : bridges) {
    if (!br.empty() && table.find(br) != std::string::npos) {
      Append(&left, "nft rules for ", br, ":\n", table, "\n");
    }
  }
  for (uid_t uid : uids) {
    std::string procs = UserProcessesIn(ns, uid);
    if (!procs.empty()) {
      left += "processes of uid " + std::to_string(uid) + ": " + procs + "\n";
    }
  }
  return left;
}

std::string NetDump(const Netns& ns) {
  return ns
      .Run(
          "ip -d link show; echo ---; ip addr show; echo ---; ip route show table all; "
          "echo ---; nft list ruleset")
      .out;
}

}  // namespace qc::itest::e2e
