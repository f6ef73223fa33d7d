// Where things live under <project_dir>/.qemu-compose/ (fixed; the tools and
// the runner rely on it).
#pragma once

#include <string>

namespace qc::state {

struct Layout {
  std::string root;  // <project_dir>/.qemu-compose

  static Layout ForProject(const std::string& project_dir) {
    return Layout{project_dir + "/.qemu-compose"};
  }
  std::string Lock() const { return root + "/lock"; }
  std::string NetworksJson() const { return root + "/networks.json"; }
  std::string PortsJson() const { return root + "/ports.json"; }
  std::string VmDir(const std::string& vm) const { return root + "/" + vm; }
  std::string VmJson(const std::string& vm) const { return VmDir(vm) + "/vm.json"; }
  std::string PidFile(const std::string& vm) const { return VmDir(vm) + "/qemu.pid"; }
  std::string QmpSocket(const std::string& vm) const { return VmDir(vm) + "/qmp.sock"; }
  std::string ConsoleSocket(const std::string& vm) const { return VmDir(vm) + "/console.sock"; }
  std::string SerialLog(const std::string& vm) const { return VmDir(vm) + "/serial.log"; }
  std::string RunnerLog(const std::string& vm) const { return VmDir(vm) + "/runner.log"; }
  std::string Disk(const std::string& vm) const { return VmDir(vm) + "/disk.qcow2"; }
  std::string DnsmasqDir(const std::string& net) const { return root + "/dnsmasq/" + net; }
  std::string DhcpHosts(const std::string& net) const { return DnsmasqDir(net) + "/dhcp-hosts"; }
  std::string Hosts(const std::string& net) const { return DnsmasqDir(net) + "/hosts"; }
  std::string Leases(const std::string& net) const { return DnsmasqDir(net) + "/leases"; }
  std::string SshKey() const { return root + "/ssh/id_ed25519"; }
};

}  // namespace qc::state
