// RenderGuest: the guest keys as `config` prints them (loadable again).
#include "compose/guest_parser.h"
#include "compose/units.h"

namespace qc::compose {

void RenderGuest(const GuestConfig& g, ConfigValue* vm) {
  if (!g.user.empty()) {
    vm->Add("user", ConfigValue::String(g.user));
  }
  if (!g.user_data_file.empty()) {
    // The digest makes the file's content part of the VM's configuration.
    ConfigValue& ci = vm->Add("cloud_init", ConfigValue::Map());
    ci.Add("user_data", ConfigValue::String(g.user_data_file));
    ci.Add("user_data_digest", ConfigValue::String(g.user_data_digest));
  }
  if (!g.provision.empty()) {
    ConfigValue& steps = vm->Add("provision", ConfigValue::List());
    for (const std::string& script : g.provision) {
      ConfigValue step = ConfigValue::Map();
      step.Add("type", ConfigValue::String("shell"));
      step.Add("inline", ConfigValue::String(script));
      steps.Append(std::move(step));
    }
  }
  if (!g.environment.empty()) {
    ConfigValue& env = vm->Add("environment", ConfigValue::Map());
    for (const auto& [key, value] : g.environment) {
      env.Add(key, ConfigValue::String(value));
    }
  }
  if (g.ssh_port != 0) {
    vm->Add("ssh", ConfigValue::Map()).Add("port", ConfigValue::Integer(g.ssh_port));
  }
  if (g.firmware != "bios") {
    vm->Add("firmware", ConfigValue::String(g.firmware));
  }
  const Healthcheck& h = g.healthcheck;
  if (h.enabled()) {
    ConfigValue& hc = vm->Add("healthcheck", ConfigValue::Map());
    ConfigValue& test = hc.Add("test", ConfigValue::List());
    for (const std::string& word : h.test) {
      test.Append(ConfigValue::String(word));
    }
    hc.Add("interval", ConfigValue::String(FormatDuration(h.interval_s)));
    hc.Add("timeout", ConfigValue::String(FormatDuration(h.timeout_s)));
    hc.Add("retries", ConfigValue::Integer(h.retries));
    hc.Add("start_period", ConfigValue::String(FormatDuration(h.start_period_s)));
  }
}

}  // namespace qc::compose
