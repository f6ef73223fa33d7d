// One qemu-compose project of tiny-guest VMs, driven through the installed
// `qemu-compose` as a test user inside a test namespace: the compose file,
// the commands, the state files, and a root shell typed into a guest's serial
// console. Shared by the end-to-end network scenarios (issue 6, 1-4).
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace qc::itest::e2e {

constexpr int kUpTimeoutMs = 400 * 1000;  // TCG boots on a loaded 2-core machine
constexpr int kCmdTimeoutMs = 120 * 1000;
constexpr int kGuestCmdTimeoutMs = 120 * 1000;

struct VmDef {
  std::string name;
  std::vector<std::string> networks;  // none: user-mode networking
  std::vector<std::string> ports;     // compose `ports:` entries, e.g. "18080:80"
  std::string cmdline_extra;          // e.g. "qc.serve=22"
};

struct ProjectDef {
  std::string name;
  std::vector<VmDef> vms;
  std::vector<std::string> networks;  // bridge networks, all `subnet: auto`
};

// The compose file for def: every VM boots the installed tiny guest under TCG.
std::string ComposeYaml(const ProjectDef& def);

// What a command typed into a guest's console printed and its exit status.
struct GuestResult {
  bool finished = false;  // the end marker appeared before the deadline
  int rc = -1;
  std::string out;
};

class Project {
 public:
  // Writes the compose file as `user` into a fresh ScratchDir.
  Project(const Netns& ns, const User& user, ProjectDef def);
  // `down --force`: nothing of the project outlives the test.
  ~Project();
  Project(const Project&) = delete;
  Project& operator=(const Project&) = delete;

  // `qemu-compose ARGS` as the user, in the project directory.
  CmdResult Qc(const std::string& args, int timeout_ms = kCmdTimeoutMs) const;
  // `up --wait`: waits until every VM has its lease (or forwarded port).
  CmdResult UpWait() const;

  const std::string& dir() const { return dir_; }
  std::string SerialLog(const std::string& vm) const;
  std::string ConsoleSocket(const std::string& vm) const;
  nlohmann::json NetworksJson() const;  // .qemu-compose/networks.json
  nlohmann::json Ps() const;            // `ps --format json`, as an array
  nlohmann::json PsRow(const std::string& vm) const;
  nlohmann::json Inspect(const std::string& vm) const;  // `inspect VM --format json`
  // The reservation of vm on network net in networks.json ("" if none).
  std::string ReservedIp(const std::string& net, const std::string& vm) const;
  // ip=A.B.C.D/N of the guest's last QC-LEASE line ("" if none yet).
  std::string LeaseOf(const std::string& vm) const;
  // Waits until the guest reported QC-READY (its lease applied, services and
  // console shell starting); false if it never did.
  bool WaitGuestReady(const std::string& vm) const;

  // Types `cmd` into vm's root shell (once the guest is ready) and waits for
  // it to finish: its output
  // (stdout+stderr) lies between two markers that the console's echo of the
  // typed line cannot contain, the second carrying `$?`.
  GuestResult InGuest(const std::string& vm, const std::string& cmd,
                      int timeout_ms = kGuestCmdTimeoutMs);

  // Serial and runner logs of every VM and the dnsmasq log of every network.
  std::string Diagnostics() const;

 private:
  const Netns& ns_;
  const User& user_;
  ProjectDef def_;
  std::string dir_;
  int marker_ = 0;
  std::set<std::string> wide_consoles_;  // VMs whose console is 1000 columns wide
};

// "172.16.3.0/24" and "172.16.3.17" -> true if the address lies in .10-.250
// of that /24 (the DHCP range of every qemu-compose network).
bool InDhcpRange(const std::string& subnet, const std::string& ip);

}  // namespace qc::itest::e2e
