// One qemu-compose project of tiny-guest VMs, driven only through the
// installed `qemu-compose` as a test user inside a test namespace: the
// compose file, the commands, the state files, a root shell typed into a
// guest's serial console, and the checks of what a project leaves on the
// host. Shared by the end-to-end tests (e2e_network, e2e_recovery,
// frontend).
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace qc::itest::e2e {

// TCG boots on a shared, loaded 2-core machine: generous, never a measure.
constexpr int kUpWaitS = 540;
constexpr int kUpTimeoutMs = (kUpWaitS + 60) * 1000;
constexpr int kCmdTimeoutMs = 180 * 1000;
constexpr int kGuestCmdTimeoutMs = 120 * 1000;

struct VmDef {
  std::string name;
  std::vector<std::string> networks;  // none: user-mode networking
  std::vector<std::string> ports;     // compose `ports:` entries, e.g. "18080:80"
  std::string cmdline_extra;          // e.g. "qc.serve=22"
  std::string memory = "192M";
  std::string stop_grace_period = "10s";
};

struct NetworkDef {
  NetworkDef(const char* n) : name(n) {}  // NOLINT(google-explicit-constructor)
  NetworkDef(std::string n, std::string s = "auto") : name(std::move(n)), subnet(std::move(s)) {}
  std::string name;
  std::string subnet = "auto";
};

struct ProjectDef {
  std::string name;
  std::vector<VmDef> vms;
  std::vector<NetworkDef> networks;  // bridge networks
};

// The compose file for def: every VM boots the installed tiny guest under TCG.
std::string ComposeYaml(const ProjectDef& def);

// Every VM on the one bridge network "lan" with `subnet` (128M, a 90 s
// stop grace period).
ProjectDef LanProject(std::string name, const std::vector<std::string>& vms,
                      const std::string& subnet = "auto");

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
  // LanProject(name, vms, subnet).
  Project(const Netns& ns, const User& user, std::string name, std::vector<std::string> vms,
          const std::string& subnet = "auto");
  // `down --force`: nothing of the project outlives the test.
  ~Project();
  Project(const Project&) = delete;
  Project& operator=(const Project&) = delete;

  const ProjectDef& def() const { return def_; }
  // Replaces the definition and rewrites qemu-compose.yaml from it.
  void Redefine(ProjectDef def);
  // The compose file of this project with network "lan" on `subnet`.
  std::string Compose(const std::string& subnet) const;
  // Replaces qemu-compose.yaml with `yaml`, written as the user.
  void WriteCompose(const std::string& yaml) const;

  // `qemu-compose ARGS` as the user, in the project directory.
  CmdResult Qc(const std::string& args, int timeout_ms = kCmdTimeoutMs) const;
  // The same in the background; the pid is the frontend's own.
  pid_t SpawnQc(const std::string& args) const;
  std::string SpawnedOutput() const;  // stdout+stderr of SpawnQc runs
  // `up --wait`: waits until every VM has its lease (or forwarded port).
  CmdResult UpWait() const;

  const std::string& dir() const { return dir_; }
  std::vector<std::string> vms() const;  // names
  const User& user() const { return user_; }
  std::string StateDir() const { return dir_ + "/.qemu-compose"; }
  std::string SerialLog(const std::string& vm) const;
  std::string ConsoleSocket(const std::string& vm) const;

  nlohmann::json Networks() const;  // networks.json (empty object if absent)
  nlohmann::json Ps() const;        // `ps --format json`, as an array
  nlohmann::json PsRow(const std::string& vm) const;
  nlohmann::json Inspect(const std::string& vm) const;  // `inspect VM --format json`
  // Fields of a network's entry in networks.json ("lan" by default).
  std::string Bridge(const std::string& net = "lan") const;
  std::string Subnet(const std::string& net = "lan") const;
  int DnsmasqPid(const std::string& net = "lan") const;
  // The reservation networks.json holds for vm on net ("" if none).
  std::string ReservedIp(const std::string& net, const std::string& vm) const;
  std::string ReservedIp(const std::string& vm) const { return ReservedIp("lan", vm); }
  std::string ReservedMac(const std::string& vm, const std::string& net = "lan") const;
  // QEMU's pid and status from `ps --format json` (0 and "" if absent).
  int QemuPid(const std::string& vm) const;
  std::string Status(const std::string& vm) const;

  // The guest's QC-LEASE lines; ip=A.B.C.D/N of the last ("" if none yet).
  std::vector<std::string> Leases(const std::string& vm) const;
  std::string LeaseOf(const std::string& vm) const;
  // Waits until the guest reported QC-READY (its lease applied, services and
  // console shell starting); false if it never did.
  bool WaitGuestReady(const std::string& vm) const;
  // Types `cmd` into vm's root shell (once the guest is ready) and waits for
  // it to finish: its output (stdout+stderr) lies between two markers that
  // the console's echo of the typed line cannot contain, the second carrying
  // `$?`.
  GuestResult InGuest(const std::string& vm, const std::string& cmd,
                      int timeout_ms = kGuestCmdTimeoutMs);
  // Types `check` (a shell condition) into vm's console, retrying a few
  // times, and waits for the guest's verdict; true if the condition held.
  bool GuestSucceeds(const std::string& vm, const std::string& check) const;

  // Serial and runner logs of every VM, networks.json, the dnsmasq log of
  // every network and the output of background commands.
  std::string Diagnostics() const;

 private:
  const Netns& ns_;
  const User& user_;
  ProjectDef def_;
  std::string dir_;
  mutable int marker_ = 0;
  std::set<std::string> wide_consoles_;  // VMs whose console is 1000 columns wide
};

// "172.16.3.0/24" and "172.16.3.17" -> true if the address lies in .10-.250
// of that /24 (the DHCP range of every qemu-compose network).
bool InDhcpRange(const std::string& subnet, const std::string& ip);

// Every VM of `p` (all on "lan") is ready with a lease equal to its
// reservation; "" or what is wrong.
std::string CheckLeasesMatchReservations(const Project& p);

// pid exists and is not a zombie.
bool Alive(int pid);

// "comm(pid) " for every process of `uid` inside the namespace.
std::string UserProcessesIn(const Netns& ns, uid_t uid);

// What `down` must not leave: qc-/tap- links, nft rules naming `bridges` in
// table ip qemu_compose, processes of `uids` in the namespace. "" if clean.
std::string Leftovers(const Netns& ns, const std::vector<std::string>& bridges,
                      const std::vector<uid_t>& uids);

// The namespace's links, addresses, routes and nftables ruleset.
std::string NetDump(const Netns& ns);

}  // namespace qc::itest::e2e
