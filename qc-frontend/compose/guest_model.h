// The compose keys of a cloud-image guest: who logs in, what cloud-init is
// given, how the VM boots, and when it counts as healthy. Part of Vm
// (model.h); parsed by guest_parser.cc.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qc::compose {

// docker compose's healthcheck, run in the guest over SSH.
struct Healthcheck {
  // {"CMD", prog, args...} (run without a shell) or {"CMD-SHELL", script};
  // empty = no healthcheck (absent, ["NONE"] or disable: true).
  std::vector<std::string> test;
  std::uint32_t interval_s = 30;
  std::uint32_t timeout_s = 30;
  std::uint32_t retries = 3;
  std::uint32_t start_period_s = 0;
  bool enabled() const { return !test.empty(); }
};

struct GuestConfig {
  std::string user;                    // `user:`; "" = the name of the user running qemu-compose
  std::string user_data_file;          // `cloud_init: {user_data: FILE}`, absolute, or ""
  std::string user_data;               // that file's content, read when the compose file is loaded
  std::string user_data_digest;        // "sha256:<hex>" of user_data
  std::vector<std::string> provision;  // `provision: [{type: shell, inline: ...}]`, in order
  std::vector<std::pair<std::string, std::string>> environment;  // in file order
  std::uint16_t ssh_port = 0;     // `ssh: {port: N}`: user-mode SSH forward; 0 = automatic
  std::string firmware = "bios";  // "bios" (SeaBIOS) or "uefi" (OVMF)
  Healthcheck healthcheck;
};

}  // namespace qc::compose
