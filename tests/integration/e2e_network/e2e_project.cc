#include "e2e_project.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <utility>

namespace qc::itest::e2e {
namespace {

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
    y += "    accel: tcg\n    memory: 192M\n    stop_grace_period: 10s\n";
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
      y += "  " + net + ":\n    driver: bridge\n    subnet: auto\n";
    }
  }
  return y;
}

Project::Project(const Netns& ns, const User& user, ProjectDef def)
    : ns_(ns), user_(user), def_(std::move(def)), dir_(ScratchDir(user)) {
  CmdResult w = ns_.RunAs(
      user_, "cat > " + dir_ + "/qemu-compose.yaml <<'QC_EOF'\n" + ComposeYaml(def_) + "QC_EOF\n");
  if (w.exit_code != 0) {
    ADD_FAILURE() << "writing the compose file as " << user_.name << ": " << w.err;
  }
}

Project::~Project() {
  Qc("down --force");
}

CmdResult Project::Qc(const std::string& args, int timeout_ms) const {
  return ns_.RunWithTimeout(&user_, "cd " + dir_ + " && " + GetInstall().frontend + " " + args,
                            timeout_ms);
}

CmdResult Project::UpWait() const {
  return Qc("up --wait --timeout 360", kUpTimeoutMs);
}

std::string Project::SerialLog(const std::string& vm) const {
  return dir_ + "/.qemu-compose/" + vm + "/serial.log";
}

std::string Project::ConsoleSocket(const std::string& vm) const {
  return dir_ + "/.qemu-compose/" + vm + "/console.sock";
}

nlohmann::json Project::NetworksJson() const {
  return ParseOr(ReadFile(dir_ + "/.qemu-compose/networks.json"), nlohmann::json::object());
}

nlohmann::json Project::Ps() const {
  return ParseOr(Qc("ps --format json").out, nlohmann::json::array());
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

std::string Project::ReservedIp(const std::string& net, const std::string& vm) const {
  nlohmann::json nets = NetworksJson();
  if (!nets.contains(net)) {
    return "";
  }
  for (const auto& r : nets[net].value("reservations", nlohmann::json::array())) {
    if (r.value("vm", "") == vm) {
      return r.value("ip", "");
    }
  }
  return "";
}

std::string Project::LeaseOf(const std::string& vm) const {
  auto leases = MarkerLines(ReadFile(SerialLog(vm)), "QC-LEASE");
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

std::string Project::Diagnostics() const {
  std::string d;
  for (const auto& vm : def_.vms) {
    d += "\n--- " + vm.name + " serial.log ---\n" + Tail(ReadFile(SerialLog(vm.name)));
    d += "\n--- " + vm.name + " runner.log ---\n" +
         Tail(ReadFile(dir_ + "/.qemu-compose/" + vm.name + "/runner.log"));
  }
  for (const auto& net : def_.networks) {
    d += "\n--- " + net + " dnsmasq.log ---\n" +
         Tail(ReadFile(dir_ + "/.qemu-compose/dnsmasq/" + net + "/dnsmasq.log"));
  }
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

}  // namespace qc::itest::e2e
