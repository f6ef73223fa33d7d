// The JSON state files: networks.json, ports.json and <vm>/vm.json.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../naming/reservations.h"

namespace qc::state {

struct NetworkState {
  std::string subnet;       // CIDR
  std::string config_hash;  // of the configuration it was created with (planner)
  std::string driver = "bridge";
  std::string dnsmasq_unit = "none";  // the original's systemd unit; none here
  bool dnsmasq_active = false;
  std::string bridge;
  std::string gateway;
  int dnsmasq_pid = 0;
  std::string domain;
  std::vector<naming::Reservation> reservations;
  bool operator==(const NetworkState&) const = default;
};
using NetworksFile = std::map<std::string, NetworkState>;  // by network name

struct NicState {
  std::string network;  // "" for user-mode
  std::string mac;
  std::string ip;
  std::string tap;
  std::string bridge;
  bool operator==(const NicState&) const = default;
};

struct VmState {
  std::string name;
  std::string config_hash;  // of `config` (planner/config_hash.h)
  std::string config;       // the configuration it was created with, compact JSON
  std::vector<NicState> nics;
  int port = 0;  // user-mode SSH forward on 127.0.0.1, 0 if none
  int pid = 0;   // QEMU pid at launch; qemu.pid may not be written yet
  // QEMU's start time (/proc/<pid>/stat field 22, clock ticks since boot):
  // with pid, identifies this QEMU without reading its command line.
  long long pid_start = 0;
  std::string created;  // ISO 8601 UTC
  bool operator==(const VmState&) const = default;
};

using PortsFile = std::map<std::string, int>;  // vm -> host port

std::string SerializeNetworks(const NetworksFile& f);
bool ParseNetworks(const std::string& text, NetworksFile* out, std::string* error);
std::string SerializeVm(const VmState& vm);
bool ParseVm(const std::string& text, VmState* out, std::string* error);
std::string SerializePorts(const PortsFile& f);
bool ParsePorts(const std::string& text, PortsFile* out, std::string* error);

// File helpers: a missing file loads as empty; a corrupt one is an error
// naming the file.
bool LoadNetworks(const std::string& path, NetworksFile* out, std::string* error);
bool SaveNetworks(const std::string& path, const NetworksFile& f, std::string* error);
bool LoadVm(const std::string& path, VmState* out, bool* exists, std::string* error);
bool SaveVm(const std::string& path, const VmState& vm, std::string* error);
bool LoadPorts(const std::string& path, PortsFile* out, std::string* error);
bool SavePorts(const std::string& path, const PortsFile& f, std::string* error);

}  // namespace qc::state
