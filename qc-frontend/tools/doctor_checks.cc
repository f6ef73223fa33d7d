#include "doctor_checks.h"

#include <sys/capability.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <regex>

namespace qc::tools {
namespace {

std::string Octal(mode_t mode) {
  char buf[8];
  (void)std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// The only capability set the helper may carry (docs/design.md).
constexpr const char* kExpectedCaps = "cap_net_admin,cap_net_bind_service=ep";

std::string CapNames(const std::vector<cap_value_t>& caps) {
  std::string out;
  for (cap_value_t c : caps) {
    char* name = cap_to_name(c);
    if (!out.empty()) {
      out += ",";
    }
    out += name != nullptr ? name : std::to_string(c);
    cap_free(name);
  }
  return out;
}

}  // namespace

bool ModeGrantsReadWrite(const struct stat& st, const Identity& who) {
  mode_t need;
  if (st.st_uid == who.uid) {
    need = S_IRUSR | S_IWUSR;
  } else if (st.st_gid == who.gid ||
             std::find(who.groups.begin(), who.groups.end(), st.st_gid) != who.groups.end()) {
    need = S_IRGRP | S_IWGRP;
  } else {
    need = S_IROTH | S_IWOTH;
  }
  return (st.st_mode & need) == need;
}

CheckResult EvaluateTun(const struct stat* st, int open_errno, const Identity& who) {
  CheckResult r{"/dev/net/tun", Level::kOk, "", ""};
  if (st == nullptr) {
    r.level = Level::kFail;
    r.detail = "missing: bridge networking needs TAP devices";
    r.fix = "sudo modprobe tun";
    return r;
  }
  std::string mode = "mode " + Octal(st->st_mode);
  // Even when the open worked (e.g. doctor run as root), what counts is
  // whether the permission bits let an ordinary user in: the helper and
  // QEMU open it as the user, and capabilities do not bypass file modes.
  // Root is judged as an ordinary user would be, for the same reason.
  const Identity ordinary{65534, 65534, {}};
  const Identity& judged = who.uid == 0 ? ordinary : who;
  if (!ModeGrantsReadWrite(*st, judged) || (open_errno == EACCES || open_errno == EPERM)) {
    r.level = Level::kFail;
    r.detail = mode + ": not readable and writable by you, so TAP devices cannot be created";
    r.fix =
        "sudo chmod 0666 /dev/net/tun (the distribution default; to keep it across reboots add a "
        "udev rule: KERNEL==\"tun\", MODE=\"0666\")";
    return r;
  }
  if (open_errno != 0) {
    r.level = Level::kFail;
    r.detail = mode + ", but opening it failed: " + std::strerror(open_errno);
    r.fix = open_errno == ENODEV ? "sudo modprobe tun" : "check the tun driver (dmesg)";
    return r;
  }
  r.detail = mode + ": opens read-write";
  return r;
}

CheckResult EvaluateKvm(const struct stat* st, int open_errno) {
  CheckResult r{"/dev/kvm", Level::kOk, "", ""};
  if (st == nullptr) {
    r.level = Level::kWarn;
    r.detail = "missing: TCG will be used (slow)";
    r.fix = "enable virtualization in the firmware and `sudo modprobe kvm_intel` (or kvm_amd)";
    return r;
  }
  if (open_errno != 0) {
    r.level = Level::kWarn;
    r.detail =
        std::string("cannot open it (") + std::strerror(open_errno) + "): TCG will be used (slow)";
    r.fix = "sudo usermod -aG kvm $USER, then log in again";
    return r;
  }
  r.detail = "accessible: VMs use KVM acceleration";
  return r;
}

CheckResult EvaluateHelperCapabilities(const std::string& helper_path,
                                       const std::string& cap_text) {
  CheckResult r{"helper capabilities", Level::kFail, "", ""};
  r.fix = "sudo setcap cap_net_admin,cap_net_bind_service+ep " + helper_path;
  if (cap_text.empty()) {
    r.detail = "none: the helper cannot create bridges or TAPs";
    return r;
  }
  cap_t actual = cap_from_text(cap_text.c_str());
  cap_t expected = cap_from_text(kExpectedCaps);
  if (actual == nullptr || expected == nullptr) {
    r.detail = "unreadable capability set '" + cap_text + "'";
    cap_free(actual);
    cap_free(expected);
    return r;
  }
  if (cap_compare(actual, expected) == 0) {
    r.level = Level::kOk;
    r.detail = "exactly cap_net_admin,cap_net_bind_service+ep";
    r.fix.clear();
  } else {
    std::vector<cap_value_t> missing;
    std::vector<cap_value_t> extra;
    for (cap_value_t c = 0; c <= CAP_LAST_CAP; ++c) {
      for (cap_flag_t flag : {CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE}) {
        cap_flag_value_t have = CAP_CLEAR;
        cap_flag_value_t want = CAP_CLEAR;
        cap_get_flag(actual, c, flag, &have);
        cap_get_flag(expected, c, flag, &want);
        if (have == want) {
          continue;
        }
        auto& list = want == CAP_SET ? missing : extra;
        if (std::find(list.begin(), list.end(), c) == list.end()) {
          list.push_back(c);
        }
      }
    }
    r.detail = "'" + cap_text + "'";
    if (!missing.empty()) {
      r.detail += "; missing or not +ep: " + CapNames(missing);
    }
    if (!extra.empty()) {
      r.detail += "; more than needed: " + CapNames(extra);
    }
  }
  cap_free(actual);
  cap_free(expected);
  return r;
}

CheckResult EvaluateHelperMode(const std::string& helper_path, const struct stat& st,
                               const std::string& group_name, bool in_group_now,
                               bool in_group_configured) {
  CheckResult r{"helper access", Level::kOk, "", ""};
  std::string mode = "mode " + Octal(st.st_mode);
  if (st.st_uid != 0) {
    r.level = Level::kFail;
    r.detail = mode + ", owned by uid " + std::to_string(st.st_uid) +
               " instead of root: its owner could swap in other code";
    r.fix = "sudo chown root:" + (group_name.empty() ? "root" : group_name) + " " + helper_path;
    return r;
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    r.level = Level::kFail;
    r.detail = mode + ": writable by group or others";
    r.fix = "sudo chmod go-w " + helper_path;
    return r;
  }
  if ((st.st_mode & S_IXOTH) != 0) {
    r.detail = mode + " root:" + group_name +
               ": any local user may run it (the policy file decides who may use it)";
    return r;
  }
  if ((st.st_mode & S_IXGRP) != 0) {
    std::string restricted = mode + " root:" + group_name + ": restricted to group " + group_name;
    if (in_group_now) {
      r.detail = restricted + ", and you are a member";
    } else if (in_group_configured) {
      r.level = Level::kFail;
      r.detail = restricted + "; you were added, but this session predates it";
      r.fix = "log out and in again (or run `newgrp " + group_name + "`)";
    } else {
      r.level = Level::kFail;
      r.detail = restricted + ", and you are not a member";
      r.fix = "sudo usermod -aG " + group_name + " $USER, then log in again";
    }
    return r;
  }
  r.level = Level::kFail;
  r.detail = mode + ": only root may run it";
  r.fix = "sudo chmod 0750 " + helper_path + " and chgrp it to a group of its users (or 0755)";
  return r;
}

CheckResult EvaluatePolicyFile(const std::string& path, const struct stat* st, int stat_errno) {
  CheckResult r{"policy file", Level::kOk, "", ""};
  if (st == nullptr) {
    if (stat_errno == ENOENT) {
      r.detail = path + " not present: the helper uses its safe defaults";
      return r;
    }
    r.level = Level::kFail;
    r.detail = "cannot inspect " + path + ": " + std::strerror(stat_errno);
    r.fix = "sudo chmod 0755 the directories leading to " + path;
    return r;
  }
  std::string mode = "mode " + Octal(st->st_mode);
  if (!S_ISREG(st->st_mode)) {
    r.level = Level::kFail;
    r.detail = path + " is not a regular file";
    r.fix = "replace it with a regular file, root:root mode 0644";
  } else if (st->st_uid != 0) {
    r.level = Level::kFail;
    r.detail = path + " is owned by uid " + std::to_string(st->st_uid) +
               ", not root: the helper refuses it";
    r.fix = "sudo chown root:root " + path;
  } else if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    r.level = Level::kFail;
    r.detail = path + " " + mode + " is group/world-writable: the helper refuses it";
    r.fix = "sudo chmod go-w " + path;
  } else {
    r.detail = path + " " + mode + ", root-owned";
  }
  return r;
}

CheckResult EvaluateIpForward(const std::optional<std::string>& content) {
  CheckResult r{"net.ipv4.ip_forward", Level::kOk, "", ""};
  if (!content) {
    r.level = Level::kWarn;
    r.detail = "cannot read /proc/sys/net/ipv4/ip_forward";
    r.fix = "the helper turns it on when a network needs NAT";
    return r;
  }
  std::string value = content->substr(0, content->find_first_of(" \n"));
  if (value == "1") {
    r.detail = "1 (forwarding on)";
  } else {
    r.level = Level::kWarn;
    r.detail = value + ": the helper turns it on when a network needs NAT";
    r.fix = "nothing to do, unless another tool turns it off again";
  }
  return r;
}

CheckResult EvaluateIptables(const std::optional<std::string>& table_names) {
  CheckResult r{"iptables FORWARD", Level::kWarn, "", ""};
  if (!table_names) {
    r.detail = "cannot check as user: a FORWARD policy DROP (e.g. set by Docker) blocks NAT";
    r.fix = "run `sudo iptables -S FORWARD`; if it says -P FORWARD DROP, allow the qc-* bridges";
    return r;
  }
  bool has_filter = false;
  std::size_t pos = 0;
  while (pos < table_names->size()) {
    std::size_t end = table_names->find('\n', pos);
    if (end == std::string::npos) {
      end = table_names->size();
    }
    if (table_names->compare(pos, end - pos, "filter") == 0) {
      has_filter = true;
    }
    pos = end + 1;
  }
  if (!has_filter) {
    r.level = Level::kOk;
    r.detail = "no legacy iptables filter table loaded: nothing else filters forwarding";
    return r;
  }
  r.detail = "the legacy iptables filter table is loaded; its FORWARD policy is not visible to you";
  r.fix = "run `sudo iptables -S FORWARD`; if it says -P FORWARD DROP, allow the qc-* bridges";
  return r;
}

std::optional<std::pair<int, int>> ParseDnsmasqVersion(const std::string& first_line) {
  static const std::regex kVersion(R"(version (\d{1,6})\.(\d{1,6}))", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(first_line, m, kVersion)) {
    return std::nullopt;
  }
  return std::make_pair(std::stoi(m[1].str()), std::stoi(m[2].str()));
}

}  // namespace qc::tools
