// The decisions behind `qemu-compose doctor`, as pure functions of what was
// observed (stat results, file contents, capability text), so each verdict
// and its fix can be unit-tested without a specially prepared host.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace qc::tools {

// ✓ works; ⚠ works but degraded or not checkable (never fails doctor);
// ✗ something qemu-compose needs is missing (doctor exits 1).
enum class Level { kOk, kWarn, kFail };

struct CheckResult {
  std::string check;  // short name, e.g. "/dev/net/tun"
  Level level = Level::kOk;
  std::string detail;  // what was found
  std::string fix;     // what to do about a ⚠/✗ ("" for ✓)
};

// The caller's identity as far as permission checks need it.
struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups of this session
};

// True if `mode`/owner grant both read and write to `who` by ordinary
// permission bits (root bypass deliberately ignored: the helper and QEMU
// open devices as the user).
bool ModeGrantsReadWrite(const struct stat& st, const Identity& who);

// /dev/net/tun. `st` is null if the device node is missing; open_errno is
// 0 if opening it O_RDWR as the user worked.
CheckResult EvaluateTun(const struct stat* st, int open_errno, const Identity& who);

// /dev/kvm: missing or inaccessible is a warning (QEMU falls back to TCG).
CheckResult EvaluateKvm(const struct stat* st, int open_errno);

// The helper's file capabilities, as text from cap_to_text ("" = none).
// Exactly cap_net_admin,cap_net_bind_service in effective+permitted, and
// nothing else, is ✓.
CheckResult EvaluateHelperCapabilities(const std::string& helper_path, const std::string& cap_text);

// Who may execute the helper: root-owned, not writable by group/others;
// mode 0750 root:GROUP restricts it to GROUP. in_group_now: the current
// session has GROUP; in_group_configured: /etc/group lists the user.
CheckResult EvaluateHelperMode(const std::string& helper_path, const struct stat& st,
                               const std::string& group_name, bool in_group_now,
                               bool in_group_configured);

// The helper policy file: missing means defaults; present must be
// root-owned and not group/world-writable (the helper refuses it otherwise).
CheckResult EvaluatePolicyFile(const std::string& path, const struct stat* st, int stat_errno);

// /proc/sys/net/ipv4/ip_forward content (nullopt = unreadable).
CheckResult EvaluateIpForward(const std::optional<std::string>& content);

// /proc/net/ip_tables_names content (nullopt = unreadable as this user).
CheckResult EvaluateIptables(const std::optional<std::string>& table_names);

// "Dnsmasq version 2.90  Copyright ..." -> {2, 90}; nullopt if unparsable.
std::optional<std::pair<int, int>> ParseDnsmasqVersion(const std::string& first_line);

}  // namespace qc::tools
