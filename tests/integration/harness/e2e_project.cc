#include "e2e_project.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace qc::itest::e2e {
namespace {

constexpr int kGuestCheckTimeoutMs = 180 * 1000;
constexpr int kLeaseLineTimeoutMs = 60 * 1000;

nlohmann::json ParseOr(const std::string& text, nlohmann::json fallback) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? std::move(fallback) : j;
}

std::string FlowList(const std::vector<std::string>& items, bool quoted) {
  std::string s = "[";
  for (const auto& i : items) {
    s += (s.size() > 1 ? ", " : "") + (quoted ? "\"" + i + "\"" : i);
  }
  return s + "]";
}

std::string Tail(const std::string& text, std::size_t n = 6000) {
  return text.size() <= n ? text : "[...]" + text.substr(text.size() - n);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

nlohmann::json NetworkEntry(const Project& p, const std::string& net) {
  nlohmann::json nets = p.Networks();
  return nets.contains(net) ? nets[net] : nlohmann::json::object();
}

nlohmann::json ReservationOf(const Project& p, const std::string& net, const std::string& vm) {
  for (const auto& r : NetworkEntry(p, net).value("reservations", nlohmann::json::array())) {
    if (r.value("vm", "") == vm) {
      return r;
    }
  }
  return nlohmann::json::object();
}

}  // namespace

std::string ComposeYaml(const ProjectDef& def) {
  const Install& in = GetInstall();
  std::string y = "name: " + def.name + "\nvms:\n";
  for (const auto& vm : def.vms) {
    y += "  " + vm.name + ":\n";
    y += "    kernel: " + in.guest_kernel + "\n";
    y += "    initrd: " + in.guest_initrd + "\n";
    y += "    cmdline: console=ttyS0 quiet panic=-1 qc.hostname=" + vm.name +
         (vm.cmdline_extra.empty() ? "" : " " + vm.cmdline_extra) + "\n";
    y += "    accel: tcg\n    memory: " + vm.memory +
         "\n    stop_grace_period: " + vm.stop_grace_period + "\n";
    if (!vm.networks.empty()) {
      y += "    networks: " + FlowList(vm.networks, false) + "\n";
    }
    if (!vm.ports.empty()) {
      y += "    ports: " + FlowList(vm.ports, true) + "\n";
    }
  }
  if (!def.networks.empty()) {
    y += "networks:\n";
    for (const auto& net : def.networks) {
      y += "  " + net.name + ":\n    driver: bridge\n    subnet: " + net.subnet + "\n";
    }
  }
  return y;
}

ProjectDef LanProject(std::string name, const std::vector<std::string>& vms,
                      const std::string& subnet) {
  ProjectDef def{std::move(name), {}, {NetworkDef("lan", subnet)}};
  for (const auto& vm : vms) {
    def.vms.push_back({vm, {"lan"}, {}, "", "128M", "90s"});
  }
  return def;
}

Project::Project(const Netns& ns, const User& user, ProjectDef def)
    : ns_(ns), user_(user), def_(std::move(def)), dir_(ScratchDir(user)) {
  WriteCompose(ComposeYaml(def_));
}

Project::Project(const Netns& ns, const User& user, std::string name, std::vector<std::string> vms,
                 const std::string& subnet)
    : Project(ns, user, LanProject(std::move(name), vms, subnet)) {}

Project::~Project() {
  Qc("down --force");
}

void Project::Redefine(ProjectDef def) {
  def_ = std::move(def);
  WriteCompose(ComposeYaml(def_));
}

std::string Project::Compose(const std::string& subnet) const {
  ProjectDef def = def_;
  for (auto& net : def.networks) {
    if (net.name == "lan") {
      net.subnet = subnet;
    }
  }
  return ComposeYaml(def);
}

void Project::WriteCompose(const std::string& yaml) const {
  CmdResult w =
      ns_.RunAs(user_, "cat > " + dir_ + "/qemu-compose.yaml <<'QC_EOF'\n" + yaml + "QC_EOF\n");
  if (w.exit_code != 0) {
    throw std::runtime_error("cannot write the compose file as " + user_.name + ": " + w.err);
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

std::vector<std::string> Project::vms() const {
  std::vector<std::string> names;
  for (const auto& vm : def_.vms) {
    names.push_back(vm.name);
  }
  return names;
}

std::string Project::SerialLog(const std::string& vm) const {
  return StateDir() + "/" + vm + "/serial.log";
}

std::string Project::ConsoleSocket(const std::string& vm) const {
  return StateDir() + "/" + vm + "/console.sock";
}

nlohmann::json Project::Networks() const {
  return ParseOr(ReadFile(StateDir() + "/networks.json"), nlohmann::json::object());
}

nlohmann::json Project::Ps() const {
  CmdResult ps = Qc("ps --format json");
  return ps.exit_code == 0 ? ParseOr(ps.out, nlohmann::json::array()) : nlohmann::json::array();
}

nlohmann::json Project::PsRow(const std::string& vm) const {
  for (const auto& row : Ps()) {
    if (row.value("name", "") == vm) {
      return row;
    }
  }
  return nlohmann::json::object();
}

nlohmann::json Project::Inspect(const std::string& vm) const {
  return ParseOr(Qc("inspect " + vm + " --format json").out, nlohmann::json::object());
}

std::string Project::Bridge(const std::string& net) const {
  return NetworkEntry(*this, net).value("bridge", "");
}

std::string Project::Subnet(const std::string& net) const {
  return NetworkEntry(*this, net).value("subnet", "");
}

int Project::DnsmasqPid(const std::string& net) const {
  return NetworkEntry(*this, net).value("dnsmasq_pid", 0);
}

std::string Project::ReservedIp(const std::string& net, const std::string& vm) const {
  return ReservationOf(*this, net, vm).value("ip", "");
}

std::string Project::ReservedMac(const std::string& vm, const std::string& net) const {
  return Lower(ReservationOf(*this, net, vm).value("mac", ""));
}

int Project::QemuPid(const std::string& vm) const {
  return PsRow(vm).value("pid", 0);
}

std::string Project::Status(const std::string& vm) const {
  return PsRow(vm).value("status", "");
}

std::vector<std::string> Project::Leases(const std::string& vm) const {
  return MarkerLines(ReadFile(SerialLog(vm)), "QC-LEASE");
}

std::string Project::LeaseOf(const std::string& vm) const {
  auto leases = Leases(vm);
  return leases.empty() ? "" : FieldOf(leases.back(), "ip");
}

bool Project::WaitGuestReady(const std::string& vm) const {
  // `up --wait` counts a VM ready once dnsmasq granted its lease; the guest
  // applies it and reports QC-LEASE, then QC-READY, a moment later.
  return WaitFor(
      [&] { return !MarkerLines(ReadFile(SerialLog(vm)), "QC-READY hostname=" + vm).empty(); },
      kGuestCmdTimeoutMs, 200);
}

GuestResult Project::InGuest(const std::string& vm, const std::string& cmd, int timeout_ms) {
  GuestResult r;
  if (!WaitGuestReady(vm)) {
    return r;
  }
  if (wide_consoles_.insert(vm).second) {
    // ash redraws a line that wraps at the console's 80 columns, and its echo
    // of the redraw would end ConsoleWrite before QEMU passed on the rest.
    ConsoleWrite(ConsoleSocket(vm), "stty cols 1000\n");
  }
  const std::string tag = "QCT-" + std::to_string(++marker_) + "-";
  // The echo of this line shows "$((0))" and "$?", never the expanded markers.
  ConsoleWrite(ConsoleSocket(vm),
               "echo " + tag + "B$((0)); (" + cmd + ") 2>&1; echo " + tag + "E$((0))=$?\n");
  const std::string begin = tag + "B0";
  const std::string end = tag + "E0=";
  std::string log;
  std::size_t end_at = std::string::npos;
  r.finished = WaitFor(
      [&] {
        log = ReadFile(SerialLog(vm));
        end_at = log.find(end);
        return end_at != std::string::npos && log.find('\n', end_at) != std::string::npos;
      },
      timeout_ms, 200);
  if (!r.finished) {
    return r;
  }
  const std::size_t digits = end_at + end.size();
  r.rc = std::stoi(log.substr(digits, log.find_first_not_of("0123456789", digits) - digits));
  std::size_t begin_at = log.find(begin);
  if (begin_at != std::string::npos && begin_at < end_at) {
    std::size_t from = log.find('\n', begin_at);
    r.out = log.substr(from + 1, end_at - from - 1);
  }
  return r;
}

bool Project::GuestSucceeds(const std::string& vm, const std::string& check) const {
  // The console echoes what we type, so the guest's shell computes the
  // verdict (42 or 55) and the typed line never contains it. A few tries:
  // a just-restarted dnsmasq or a fresh ARP entry may need a moment.
  std::string tag = "QCT" + std::to_string(++marker_) + "=";
  ConsoleWrite(ConsoleSocket(vm),
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
  for (const auto& vm : def_.vms) {
    d += "\n--- " + vm.name + " serial.log ---\n" + Tail(ReadFile(SerialLog(vm.name)));
    d += "\n--- " + vm.name + " runner.log ---\n" +
         Tail(ReadFile(StateDir() + "/" + vm.name + "/runner.log"));
  }
  d += "\n--- networks.json ---\n" + ReadFile(StateDir() + "/networks.json");
  for (const auto& net : def_.networks) {
    d += "\n--- " + net.name + " dnsmasq.log ---\n" +
         Tail(ReadFile(StateDir() + "/dnsmasq/" + net.name + "/dnsmasq.log"));
  }
  d += "\n--- background commands ---\n" + SpawnedOutput();
  return d;
}

bool InDhcpRange(const std::string& subnet, const std::string& ip) {
  in_addr net{};
  in_addr host{};
  if (subnet.size() < 3 || subnet.substr(subnet.size() - 3) != "/24" ||
      inet_pton(AF_INET, subnet.substr(0, subnet.size() - 3).c_str(), &net) != 1 ||
      inet_pton(AF_INET, ip.c_str(), &host) != 1) {
    return false;
  }
  const uint32_t n = ntohl(net.s_addr);
  const uint32_t h = ntohl(host.s_addr);
  return (h & 0xffffff00U) == n && (h & 0xffU) >= 10 && (h & 0xffU) <= 250;
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
      problems += vm + ": status '" + status + "', " + std::to_string(leases.size()) +
                  " lease line(s), reservation '" + reserved + "'\n";
      continue;
    }
    if (FieldOf(leases.back(), "ip") != reserved + prefix ||
        Lower(FieldOf(leases.back(), "mac")) != p.ReservedMac(vm)) {
      problems += vm + ": leased '" + leases.back() + "' but reserved " + reserved + prefix +
                  " for " + p.ReservedMac(vm) + "\n";
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
      left += "nft rules for " + br + ":\n" + table + "\n";
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
