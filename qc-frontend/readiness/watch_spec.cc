// watch.json: the watcher's input, and starting the watcher.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "readiness/watcher.h"
#include "state/atomic_file.h"
#include "subprocess.h"
#include "tools/shell_words.h"

namespace qc::readiness {

std::string WatchSpecPath(const std::string& vm_dir) {
  return vm_dir + "/watch.json";
}

bool SaveWatchSpec(const WatchSpec& s, std::string* error) {
  const compose::Healthcheck& h = s.healthcheck;
  nlohmann::json j = {
      {"vm", s.vm},
      {"vm_dir", s.vm_dir},
      {"qemu_pid", s.qemu_pid},
      {"host", s.ssh.host},
      {"port", s.ssh.port},
      {"user", s.ssh.user},
      {"key", s.ssh.key_path},
      {"known_hosts", s.ssh.known_hosts_path},
      {"healthcheck",
       {{"test", h.test},
        {"interval_s", h.interval_s},
        {"timeout_s", h.timeout_s},
        {"retries", h.retries},
        {"start_period_s", h.start_period_s}}},
  };
  return state::WriteFileAtomic(WatchSpecPath(s.vm_dir), j.dump(2) + "\n", error);
}

bool LoadWatchSpec(const std::string& path, WatchSpec* s, std::string* error) {
  std::string text;
  if (!state::ReadWholeFile(path, &text, error)) {
    return false;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  try {
    s->vm = j.at("vm").get<std::string>();
    s->vm_dir = j.at("vm_dir").get<std::string>();
    s->qemu_pid = j.at("qemu_pid").get<pid_t>();
    s->ssh.host = j.at("host").get<std::string>();
    s->ssh.port = j.at("port").get<int>();
    s->ssh.user = j.at("user").get<std::string>();
    s->ssh.key_path = j.at("key").get<std::string>();
    s->ssh.known_hosts_path = j.at("known_hosts").get<std::string>();
    const nlohmann::json& h = j.at("healthcheck");
    s->healthcheck.test = h.at("test").get<std::vector<std::string>>();
    s->healthcheck.interval_s = h.at("interval_s").get<std::uint32_t>();
    s->healthcheck.timeout_s = h.at("timeout_s").get<std::uint32_t>();
    s->healthcheck.retries = h.at("retries").get<std::uint32_t>();
    s->healthcheck.start_period_s = h.at("start_period_s").get<std::uint32_t>();
  } catch (const nlohmann::json::exception& e) {
    *error = path + ": " + e.what();
    return false;
  }
  return true;
}

bool StartWatcher(const WatchSpec& spec, std::string* error) {
  if (!SaveWatchSpec(spec, error)) {
    return false;
  }
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) {
    *error = "cannot find our own binary (/proc/self/exe)";
    return false;
  }
  SpawnOptions opts;
  opts.argv = {std::string(self, static_cast<std::size_t>(n)), "_watch",
               WatchSpecPath(spec.vm_dir)};
  opts.in = Redirect::Null();
  opts.out = Redirect::Null();
  opts.err = Redirect::Null();
  opts.cwd = "/";
  return SpawnDetached(opts, error);
}

std::string HealthCommand(const compose::Healthcheck& h) {
  if (h.test.empty()) {
    return "";
  }
  if (h.test[0] == "CMD-SHELL") {
    return "/bin/sh -c " + tools::ShellQuote(h.test[1]);
  }
  std::string cmd;
  for (std::size_t i = 1; i < h.test.size(); ++i) {
    cmd += (cmd.empty() ? "" : " ") + tools::ShellQuote(h.test[i]);
  }
  return cmd;
}

}  // namespace qc::readiness
