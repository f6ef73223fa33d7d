// RenderConfig: the Project as a ConfigValue tree, written as YAML or JSON.
#include "compose/render.h"

#include "compose/config_tree.h"
#include "compose/guest_parser.h"
#include "compose/loader.h"
#include "compose/units.h"

namespace qc::compose {
namespace {

ConfigValue StringList(const std::vector<std::string>& strings) {
  ConfigValue list = ConfigValue::List();
  for (const std::string& s : strings) {
    list.Append(ConfigValue::String(s));
  }
  return list;
}

// Short "SOURCE:TARGET[:ro]" when that says everything, else the long form.
ConfigValue MountValue(const VolumeMount& m) {
  if (m.automount && m.mount_options.empty() && (m.named || !m.target.empty())) {
    std::string text = m.source;
    if (!m.target.empty()) {
      text += ":" + m.target;
    }
    if (m.read_only) {
      text += ":ro";
    }
    return ConfigValue::String(text);
  }
  ConfigValue v = ConfigValue::Map();
  v.Add("type", ConfigValue::String(m.named ? "volume" : "bind"));
  v.Add("source", ConfigValue::String(m.source));
  if (!m.target.empty()) {
    v.Add("target", ConfigValue::String(m.target));
  }
  v.Add("read_only", ConfigValue::Bool(m.read_only));
  v.Add("automount", ConfigValue::Bool(m.automount));
  if (!m.mount_options.empty()) {
    v.Add("mount_options", ConfigValue::String(m.mount_options));
  }
  return v;
}

}  // namespace

ConfigValue RenderVm(const Vm& vm) {
  ConfigValue v = ConfigValue::Map();
  if (!vm.image.empty()) {
    v.Add("image", ConfigValue::String(vm.image));
  }
  if (!vm.image_digest.empty()) {
    v.Add("image_digest", ConfigValue::String(vm.image_digest));
  }
  if (!vm.kernel.empty()) {
    v.Add("kernel", ConfigValue::String(vm.kernel));
  }
  if (!vm.initrd.empty()) {
    v.Add("initrd", ConfigValue::String(vm.initrd));
  }
  if (!vm.cmdline.empty()) {
    v.Add("cmdline", ConfigValue::String(vm.cmdline));
  }
  if (!vm.accel.empty()) {
    v.Add("accel", ConfigValue::String(vm.accel));
  }
  v.Add("cpu", ConfigValue::Integer(vm.cpus));
  v.Add("memory", ConfigValue::String(FormatSize(vm.memory_mb << 20)));
  if (vm.disk.size_bytes != 0) {
    v.Add("disk", ConfigValue::Map())
        .Add("size", ConfigValue::String(FormatSize(vm.disk.size_bytes)));
  }
  v.Add("networks", StringList(vm.networks));
  ConfigValue& volumes = v.Add("volumes", ConfigValue::List());
  for (const VolumeMount& m : vm.mounts) {
    volumes.Append(MountValue(m));
  }
  ConfigValue& ports = v.Add("ports", ConfigValue::List());
  for (const PortMapping& p : vm.ports) {
    ports.Append(ConfigValue::String(std::to_string(p.host) + ":" + std::to_string(p.guest) + "/" +
                                     p.protocol));
  }
  v.Add("depends_on", StringList(vm.depends_on));
  v.Add("stop_grace_period", ConfigValue::String(FormatDuration(vm.stop_grace_period_s)));
  RenderGuest(vm.guest, &v);
  return v;
}

ConfigValue RenderNetwork(const Network& net) {
  ConfigValue n = ConfigValue::Map();
  n.Add("driver", ConfigValue::String(net.driver));
  n.Add("subnet", ConfigValue::String(net.subnet));
  return n;
}

std::string RenderConfig(const Project& p, bool json) {
  ConfigValue root = ConfigValue::Map();
  root.Add("name", ConfigValue::String(p.name));
  if (!p.version.empty()) {
    root.Add("version", ConfigValue::String(p.version));
  }
  ConfigValue& vms = root.Add("vms", ConfigValue::Map());
  for (const auto& [name, vm] : p.vms) {
    vms.Add(name, RenderVm(vm));
  }
  ConfigValue& networks = root.Add("networks", ConfigValue::Map());
  for (const auto& [name, net] : p.networks) {
    networks.Add(name, RenderNetwork(net));
  }
  ConfigValue& volumes = root.Add("volumes", ConfigValue::Map());
  for (const auto& [name, vol] : p.volumes) {
    volumes.Add(name, ConfigValue::Map())
        .Add("size", ConfigValue::String(FormatSize(vol.size_bytes)));
  }
  return json ? WriteJson(root) : WriteYaml(root);
}

}  // namespace qc::compose
