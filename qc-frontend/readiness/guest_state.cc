#include "readiness/guest_state.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "state/atomic_file.h"

namespace qc::readiness {

std::string GuestStatePath(const std::string& vm_dir) {
  return vm_dir + "/guest.json";
}

std::int64_t NowWallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool LoadGuestState(const std::string& path, GuestState* out) {
  *out = GuestState{};
  std::string text;
  std::string error;
  if (!state::ReadWholeFile(path, &text, &error)) {
    return false;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) {
    return false;
  }
  auto num = [&](const char* key) { return j.value(key, std::int64_t{0}); };
  out->qemu_pid = num("qemu_pid");
  out->started_ms = num("started_ms");
  out->booted_ms = num("booted_ms");
  out->ssh_ms = num("ssh_ms");
  out->ready_ms = num("ready_ms");
  out->health = j.value("health", "");
  out->health_ms = num("health_ms");
  out->failing_streak = j.value("failing_streak", 0);
  out->health_output = j.value("health_output", "");
  out->problem = j.value("problem", "");
  return true;
}

bool SaveGuestState(const std::string& path, const GuestState& s, std::string* error) {
  nlohmann::json j = {{"qemu_pid", s.qemu_pid},           {"started_ms", s.started_ms},
                      {"booted_ms", s.booted_ms},         {"ssh_ms", s.ssh_ms},
                      {"ready_ms", s.ready_ms},           {"health", s.health},
                      {"health_ms", s.health_ms},         {"failing_streak", s.failing_streak},
                      {"health_output", s.health_output}, {"problem", s.problem}};
  return state::WriteFileAtomic(path, j.dump(2) + "\n", error);
}

std::string GuestStatus(const GuestState& s) {
  if (s.ready_ms == 0) {
    return "running";
  }
  if (s.health == "healthy" || s.health == "unhealthy") {
    return s.health;
  }
  return "ready";
}

}  // namespace qc::readiness
