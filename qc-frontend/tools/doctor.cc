// `qemu-compose doctor`: observe the host as the calling user, judge each
// observation with doctor_checks, print the report.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "doctor_checks.h"
#include "doctor_report.h"
#include "exec_util.h"
#include "fd_io.h"
#include "helper_probe.h"
#include "nft_probe.h"
#include "tools.h"

#ifndef QC_DNSMASQ_PATH
#error "QC_DNSMASQ_PATH must be defined by the build"
#endif
#ifndef QC_POLICY_PATH
#error "QC_POLICY_PATH must be defined by the build"
#endif

namespace qc::tools {
namespace {

Identity CurrentIdentity() {
  Identity id;
  id.uid = getuid();
  id.gid = getgid();
  int n = getgroups(0, nullptr);
  if (n > 0) {
    id.groups.resize(static_cast<std::size_t>(n));
    n = getgroups(n, id.groups.data());
    id.groups.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  return id;
}

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return std::nullopt;
  }
  return ss.str();
}

std::string GroupName(gid_t gid) {
  std::vector<char> buf(16384);
  group gr{};
  group* result = nullptr;
  if (getgrgid_r(gid, &gr, buf.data(), buf.size(), &result) == 0 && result != nullptr) {
    return gr.gr_name;
  }
  return std::to_string(gid);
}

// Is the user listed in /etc/group (etc.) as a member of gid, whether or
// not this session has picked it up yet?
bool ConfiguredMember(uid_t uid, gid_t gid) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* result = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &result) != 0 || result == nullptr) {
    return false;
  }
  int n = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
      return false;
    }
  }
  groups.resize(static_cast<std::size_t>(n));
  return std::find(groups.begin(), groups.end(), gid) != groups.end();
}

CheckResult CheckProgram(const std::string& name, const std::optional<std::string>& path,
                         const std::string& how_found, const std::string& fix) {
  CheckResult r{name, Level::kOk, "", ""};
  if (!path) {
    r.level = Level::kFail;
    r.detail = "not found (" + how_found + ")";
    r.fix = fix;
    return r;
  }
  CaptureResult version = RunAndCapture({*path, "--version"});
  if (version.exit_status != 0) {
    r.level = Level::kFail;
    r.detail = *path + " does not run (`--version` failed: " + version.first_line + ")";
    r.fix = fix;
    return r;
  }
  r.detail = *path + ": " + version.first_line;
  return r;
}

CheckResult CheckQemu() {
  const char* override_path = std::getenv("QEMU_COMPOSE_QEMU");
  if (override_path != nullptr && *override_path != '\0') {
    return CheckProgram("qemu-system-x86_64", FindExecutable(override_path),
                        std::string("QEMU_COMPOSE_QEMU=") + override_path,
                        "point QEMU_COMPOSE_QEMU at a qemu-system-x86_64 binary, or unset it");
  }
  return CheckProgram("qemu-system-x86_64", FindExecutable("qemu-system-x86_64"), "in PATH",
                      "sudo apt install qemu-system-x86 (or set QEMU_COMPOSE_QEMU)");
}

CheckResult CheckDnsmasq() {
  const std::string path = QC_DNSMASQ_PATH;
  const std::string fix = "sudo apt install dnsmasq-base (the helper runs exactly " + path + ")";
  CheckResult r = CheckProgram("dnsmasq", FindExecutable(path),
                               path + ", fixed when qemu-compose was built", fix);
  if (r.level != Level::kOk) {
    return r;
  }
  // Older dnsmasq lacks what the helper relies on (docs/design.md: 2.81+).
  auto version = ParseDnsmasqVersion(r.detail);
  if (version && *version < std::make_pair(2, 81)) {
    r.level = Level::kFail;
    r.detail += " (2.81 or newer needed)";
    r.fix = "upgrade dnsmasq-base";
  }
  return r;
}

CheckResult CheckRunner(const std::string& runner_path) {
  CheckResult r{"qc-vmrunner", Level::kOk, "", ""};
  struct stat st {};
  if (runner_path.empty() || stat(runner_path.c_str(), &st) != 0) {
    r.level = Level::kFail;
    r.detail = "not found" + (runner_path.empty() ? std::string() : " at " + runner_path);
    r.fix = "reinstall qemu-compose (the runner lives beside the helper in libexec)";
  } else if (!S_ISREG(st.st_mode) || access(runner_path.c_str(), X_OK) != 0) {
    r.level = Level::kFail;
    r.detail = runner_path + " is not an executable file";
    r.fix = "sudo chmod 0755 " + runner_path;
  } else {
    r.detail = runner_path;
  }
  return r;
}

CheckResult CheckDevice(const char* path, bool tun, const Identity& who) {
  struct stat st {};
  bool exists = stat(path, &st) == 0;
  int open_errno = 0;
  if (exists) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      open_errno = errno;
    } else {
      close(fd);
    }
  }
  return tun ? EvaluateTun(exists ? &st : nullptr, open_errno, who)
             : EvaluateKvm(exists ? &st : nullptr, open_errno);
}

std::string FileCapabilityText(const std::string& path) {
  cap_t caps = cap_get_file(path.c_str());
  if (caps == nullptr) {
    return "";
  }
  char* text = cap_to_text(caps, nullptr);
  std::string out = text != nullptr ? text : "";
  cap_free(text);
  cap_free(caps);
  return out;
}

// Returns false if there is no helper to talk to.
bool CheckHelper(const std::string& helper_path, const Identity& who,
                 std::vector<CheckResult>* results) {
  struct stat st {};
  if (helper_path.empty() || stat(helper_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    results->push_back({"qc-netd-helper", Level::kFail,
                        "not found" + (helper_path.empty() ? std::string() : " at " + helper_path),
                        "install qemu-compose (`sudo cmake --install BUILD`), then "
                        "`sudo setcap cap_net_admin,cap_net_bind_service+ep` on the helper"});
    return false;
  }
  results->push_back({"qc-netd-helper", Level::kOk, helper_path, ""});
  CheckResult caps = EvaluateHelperCapabilities(helper_path, FileCapabilityText(helper_path));
  struct statvfs vfs {};
  if (caps.level == Level::kOk && statvfs(helper_path.c_str(), &vfs) == 0 &&
      (vfs.f_flag & ST_NOSUID) != 0) {
    caps.level = Level::kFail;
    caps.detail += ", but its filesystem is mounted nosuid, so the kernel ignores them";
    caps.fix = "install the helper on a filesystem without nosuid (e.g. /usr/local/libexec)";
  }
  results->push_back(caps);
  bool in_group_now = st.st_gid == who.gid || std::find(who.groups.begin(), who.groups.end(),
                                                        st.st_gid) != who.groups.end();
  results->push_back(EvaluateHelperMode(helper_path, st, GroupName(st.st_gid), in_group_now,
                                        in_group_now || ConfiguredMember(who.uid, st.st_gid)));
  return true;
}

CheckResult CheckHelperHandshake(const std::string& helper_path) {
  CheckResult r{"helper handshake", Level::kOk, "", ""};
  HelperHello hello = ProbeHelper(helper_path);
  if (!hello.replied) {
    r.level = Level::kFail;
    r.detail = "no answer: " + hello.failure;
    r.fix = "fix the helper checks above; SECURITY.md lists what the helper needs";
    return r;
  }
  const qc::netd::Reply& reply = hello.reply;
  if (reply.status() != qc::netd::OK || !reply.has_hello()) {
    r.level = Level::kFail;
    r.detail = "refused: " + reply.message();
    if (reply.status() == qc::netd::PERMISSION_DENIED) {
      r.fix = "ask the administrator to allow your user or group in " QC_POLICY_PATH;
    } else if (reply.status() == qc::netd::PROTOCOL_ERROR) {
      r.fix = "the helper and qemu-compose come from different versions: reinstall both";
    } else {
      r.fix = "see the helper's message above";
    }
    return r;
  }
  const qc::netd::HelloReply& h = reply.hello();
  std::string pools;
  for (const auto& pool : h.allowed_pools()) {
    pools += (pools.empty() ? "" : ", ") + pool;
  }
  const qc::netd::Quota& q = h.quota();
  r.detail = "uid " + std::to_string(h.uid()) + " allowed (protocol v" +
             std::to_string(h.version()) + "); pools " + (pools.empty() ? "none" : pools) +
             "; used/max bridges " + std::to_string(q.used_bridges()) + "/" +
             std::to_string(q.max_bridges()) + ", taps " + std::to_string(q.used_taps()) + "/" +
             std::to_string(q.max_taps()) + ", dnsmasq " + std::to_string(q.used_dnsmasq()) + "/" +
             std::to_string(q.max_dnsmasq());
  if (h.allowed_pools_size() == 0) {
    r.level = Level::kWarn;
    r.fix = "no subnet pool allowed: bridge networks cannot get addresses; see " QC_POLICY_PATH;
  }
  return r;
}

CheckResult CheckPolicyFile() {
  const std::string path = QC_POLICY_PATH;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return EvaluatePolicyFile(path, nullptr, errno);
  }
  return EvaluatePolicyFile(path, &st, 0);
}

}  // namespace

int RunDoctor(const DoctorOptions& options) {
  Identity who = CurrentIdentity();
  std::vector<CheckResult> results;
  results.push_back(CheckQemu());
  results.push_back(CheckProgram("qemu-img", FindExecutable("qemu-img"), "in PATH",
                                 "sudo apt install qemu-utils"));
  results.push_back(CheckDnsmasq());
  bool have_helper = CheckHelper(options.helper_path, who, &results);
  results.push_back(CheckRunner(options.runner_path));
  results.push_back(CheckDevice("/dev/net/tun", true, who));
  results.push_back(CheckDevice("/dev/kvm", false, who));
  results.push_back(CheckNfTables());
  results.push_back(EvaluateIpForward(ReadSmallFile("/proc/sys/net/ipv4/ip_forward")));
  results.push_back(EvaluateIptables(ReadSmallFile("/proc/net/ip_tables_names")));
  results.push_back(CheckPolicyFile());
  if (have_helper) {
    results.push_back(CheckHelperHandshake(options.helper_path));
  }

  std::string report = options.json ? RenderJson(results) : RenderText(results, options.color);
  WriteAll(STDOUT_FILENO, report.data(), report.size());
  bool failed = std::any_of(results.begin(), results.end(),
                            [](const CheckResult& r) { return r.level == Level::kFail; });
  return failed ? 1 : 0;
}

}  // namespace qc::tools
