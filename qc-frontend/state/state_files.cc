#include "state_files.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "atomic_file.h"

namespace qc::state {
namespace {

using nlohmann::json;

template <typename Fn>
bool Guard(const std::string& what, std::string* error, Fn fn) {
  try {
    fn();
    return true;
  } catch (const json::exception& e) {
    *error = what + ": " + e.what();
    return false;
  }
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// The shared part of the Load* functions: a missing file is empty (T{}),
// a corrupt one an error naming the file.
template <typename T>
bool LoadFile(const std::string& path, bool (*parse)(const std::string&, T*, std::string*), T* out,
              bool* exists, std::string* error) {
  *out = T{};
  *exists = FileExists(path);
  if (!*exists) {
    return true;
  }
  std::string text;
  if (!ReadWholeFile(path, &text, error)) {
    return false;
  }
  if (parse(text, out, error)) {
    return true;
  }
  *error = path + ": " + *error;
  return false;
}

}  // namespace

std::string SerializeNetworks(const NetworksFile& f) {
  json j = json::object();
  for (const auto& [name, n] : f) {
    json res = json::array();
    for (const auto& r : n.reservations) {
      res.push_back({{"vm", r.vm}, {"mac", r.mac}, {"ip", r.ip}, {"hostname", r.hostname}});
    }
    j[name] = {{"subnet", n.subnet},
               {"config_hash", n.config_hash},
               {"driver", n.driver},
               {"dnsmasq_unit", n.dnsmasq_unit},
               {"dnsmasq_active", n.dnsmasq_active},
               {"bridge", n.bridge},
               {"gateway", n.gateway},
               {"dnsmasq_pid", n.dnsmasq_pid},
               {"domain", n.domain},
               {"reservations", res}};
  }
  return j.dump(2) + "\n";
}

bool ParseNetworks(const std::string& text, NetworksFile* out, std::string* error) {
  return Guard("invalid networks.json", error, [&] {
    json j = json::parse(text);
    NetworksFile f;
    for (const auto& [name, v] : j.items()) {
      NetworkState n;
      n.subnet = v.value("subnet", "");
      n.config_hash = v.value("config_hash", "");
      n.driver = v.value("driver", "bridge");
      n.dnsmasq_unit = v.value("dnsmasq_unit", "none");
      n.dnsmasq_active = v.value("dnsmasq_active", false);
      n.bridge = v.value("bridge", "");
      n.gateway = v.value("gateway", "");
      n.dnsmasq_pid = v.value("dnsmasq_pid", 0);
      n.domain = v.value("domain", "");
      for (const auto& r : v.value("reservations", json::array())) {
        n.reservations.push_back(
            naming::Reservation{r.at("vm").get<std::string>(), r.at("mac").get<std::string>(),
                                r.at("ip").get<std::string>(), r.value("hostname", "")});
      }
      f[name] = n;
    }
    *out = std::move(f);
  });
}

std::string SerializeVm(const VmState& vm) {
  json nics = json::array();
  for (const auto& n : vm.nics) {
    nics.push_back({{"network", n.network},
                    {"mac", n.mac},
                    {"ip", n.ip},
                    {"tap", n.tap},
                    {"bridge", n.bridge}});
  }
  json j = {
      {"name", vm.name}, {"config_hash", vm.config_hash}, {"nics", nics},         {"port", vm.port},
      {"pid", vm.pid},   {"pid_start", vm.pid_start},     {"created", vm.created}};
  if (!vm.config.empty()) {
    j["config"] = json::parse(vm.config, nullptr, false);
  }
  return j.dump(2) + "\n";
}

bool ParseVm(const std::string& text, VmState* out, std::string* error) {
  return Guard("invalid vm.json", error, [&] {
    json j = json::parse(text);
    VmState vm;
    vm.name = j.value("name", "");
    vm.config_hash = j.value("config_hash", "");
    vm.port = j.value("port", 0);
    vm.pid = j.value("pid", 0);
    vm.pid_start = j.value("pid_start", 0LL);
    if (j.contains("config") && j["config"].is_object()) {
      vm.config = j["config"].dump();
    }
    vm.created = j.value("created", "");
    for (const auto& n : j.value("nics", json::array())) {
      vm.nics.push_back(NicState{n.value("network", ""), n.value("mac", ""), n.value("ip", ""),
                                 n.value("tap", ""), n.value("bridge", "")});
    }
    *out = std::move(vm);
  });
}

std::string SerializePorts(const PortsFile& f) {
  json j = json::object();
  for (const auto& [vm, port] : f) {
    j[vm] = port;
  }
  return j.dump(2) + "\n";
}

bool ParsePorts(const std::string& text, PortsFile* out, std::string* error) {
  return Guard("invalid ports.json", error, [&] {
    PortsFile f;
    json j = json::parse(text);
    for (const auto& [vm, port] : j.items()) {
      f[vm] = port.get<int>();
    }
    *out = std::move(f);
  });
}

bool LoadNetworks(const std::string& path, NetworksFile* out, std::string* error) {
  bool exists = false;
  return LoadFile(path, ParseNetworks, out, &exists, error);
}

bool SaveNetworks(const std::string& path, const NetworksFile& f, std::string* error) {
  return WriteFileAtomic(path, SerializeNetworks(f), error);
}

bool LoadVm(const std::string& path, VmState* out, bool* exists, std::string* error) {
  return LoadFile(path, ParseVm, out, exists, error);
}

bool SaveVm(const std::string& path, const VmState& vm, std::string* error) {
  return WriteFileAtomic(path, SerializeVm(vm), error);
}

bool LoadPorts(const std::string& path, PortsFile* out, std::string* error) {
  bool exists = false;
  return LoadFile(path, ParsePorts, out, &exists, error);
}

bool SavePorts(const std::string& path, const PortsFile& f, std::string* error) {
  return WriteFileAtomic(path, SerializePorts(f), error);
}

}  // namespace qc::state
