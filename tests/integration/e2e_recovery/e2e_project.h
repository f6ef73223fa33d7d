// End-to-end helpers: a compose project of tiny-guest VMs owned by one test
// user in one Netns, driven only through the installed `qemu-compose`, and
// the checks of what a project leaves on the host.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.h"

namespace qc::itest::e2e {

// TCG boots on a shared, loaded 2-core machine: generous, never a measure.
constexpr int kUpWaitS = 540;
constexpr int kUpTimeoutMs = (kUpWaitS + 60) * 1000;
constexpr int kCmdTimeoutMs = 180 * 1000;

// Every VM of a project sits on the one bridge network "lan".
class Project {
 public:
  // Writes qemu-compose.yaml (as `user`) into a fresh ScratchDir.
  Project(const Netns& ns, const User& user, std::string name, std::vector<std::string> vms,
          const std::string& subnet = "auto");

  // The compose file text for these VMs on "lan" with `subnet`.
  std::string Compose(const std::string& subnet) const;
  // Replaces qemu-compose.yaml with `yaml`, written as the user.
  void WriteCompose(const std::string& yaml) const;

  // `qemu-compose ARGS` as the user in the project directory.
  CmdResult Qc(const std::string& args, int timeout_ms = kCmdTimeoutMs) const;
  // The same in the background; the pid is the frontend's own.
  pid_t SpawnQc(const std::string& args) const;
  std::string SpawnedOutput() const;  // stdout+stderr of SpawnQc runs
  // `up --wait` with the generous deadline.
  CmdResult UpWait() const;

  const std::string& dir() const { return dir_; }
  const std::vector<std::string>& vms() const { return vms_; }
  const User& user() const { return user_; }
  std::string StateDir() const { return dir_ + "/.qemu-compose"; }
  std::string SerialLog(const std::string& vm) const;

  // networks.json (empty object if absent); "lan" entry fields.
  nlohmann::json Networks() const;
  std::string Bridge() const;
  std::string Subnet() const;
  int DnsmasqPid() const;
  // The reservation (ip, mac) networks.json holds for `vm`.
  std::string ReservedIp(const std::string& vm) const;
  std::string ReservedMac(const std::string& vm) const;
  // QEMU's pid from `ps --format json` (0 if not running).
  int QemuPid(const std::string& vm) const;
  std::string Status(const std::string& vm) const;

  // The guest's QC-LEASE lines, each "ip=A.B.C.D/N mac=...".
  std::vector<std::string> Leases(const std::string& vm) const;

  // Types `check` (a shell condition) into vm's console and waits for the
  // guest's verdict; true if the condition held.
  bool GuestSucceeds(const std::string& vm, const std::string& check) const;

  // serial, runner and dnsmasq logs, for failure messages.
  std::string Diagnostics() const;

 private:
  const Netns& ns_;
  const User& user_;
  std::string name_;
  std::vector<std::string> vms_;
  std::string dir_;
  mutable int console_serial_ = 0;
};

// Every VM of `p` is ready with a lease equal to its reservation; "" or what
// is wrong.
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
