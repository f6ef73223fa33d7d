#include "commands/vm_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "qmp_client.h"

namespace qc::commands {
namespace {

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Value of "key=" in a whitespace-separated line, "" if absent.
std::string Field(const std::string& line, const std::string& key) {
  std::istringstream ss(line);
  std::string tok;
  while (ss >> tok) {
    if (tok.rfind(key + "=", 0) == 0) {
      return tok.substr(key.size() + 1);
    }
  }
  return "";
}

std::string Lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

}  // namespace

pid_t ReadPidFile(const std::string& path) {
  std::string text = ReadSmallFile(path);
  long v = 0;
  for (char c : text) {
    if (c == '\n' || c == ' ') {
      break;
    }
    if (c < '0' || c > '9' || v > 4194304) {
      return 0;
    }
    v = v * 10 + (c - '0');
  }
  return static_cast<pid_t>(v);
}

pid_t VmPid(const Context& ctx, const std::string& vm, const state::VmState& st) {
  pid_t pid = ReadPidFile(ctx.layout.PidFile(vm));
  return pid > 0 ? pid : static_cast<pid_t>(st.pid);
}

bool IsQemuAlive(pid_t pid) {
  if (pid <= 0) {
    return false;
  }
  std::string stat = ReadSmallFile("/proc/" + std::to_string(pid) + "/stat");
  auto rparen = stat.rfind(')');
  if (rparen == std::string::npos || rparen + 2 >= stat.size()) {
    return false;
  }
  char state = stat[rparen + 2];
  if (state == 'Z' || state == 'X') {
    return false;
  }
  std::string cmdline = ReadSmallFile("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline.find("qemu") != std::string::npos;
}

long long ProcessStartTime(pid_t pid) {
  if (pid <= 0) {
    return 0;
  }
  char path[32];
  (void)std::snprintf(path, sizeof(path), "/proc/%d/stat", static_cast<int>(pid));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) {
    return 0;
  }
  std::string_view stat(buf, static_cast<std::size_t>(n));
  // "pid (comm) S ..."; comm may hold spaces and parentheses: the last ')'.
  std::size_t rparen = stat.rfind(')');
  if (rparen == std::string_view::npos || rparen + 2 >= stat.size()) {
    return 0;
  }
  char state = stat[rparen + 2];
  if (state == 'Z' || state == 'X') {
    return 0;
  }
  // Field 3 (state) is at rparen + 2; starttime is field 22.
  std::size_t pos = rparen + 2;
  for (int field = 3; field < 22; ++field) {
    pos = stat.find(' ', pos);
    if (pos == std::string_view::npos) {
      return 0;
    }
    ++pos;
  }
  long long start = 0;
  for (; pos < stat.size() && stat[pos] >= '0' && stat[pos] <= '9'; ++pos) {
    start = start * 10 + (stat[pos] - '0');
  }
  return start;
}

bool VmQemuAlive(const Context& ctx, const std::string& vm, const state::VmState& st, pid_t* pid) {
  pid_t p = 0;
  bool alive = false;
  if (st.pid > 0 && st.pid_start > 0) {
    p = static_cast<pid_t>(st.pid);
    alive = ProcessStartTime(p) == st.pid_start;
  } else {
    p = VmPid(ctx, vm, st);
    alive = IsQemuAlive(p);
  }
  if (pid != nullptr) {
    *pid = alive ? p : 0;
  }
  return alive;
}

std::string QmpRunState(const std::string& qmp_sock, int timeout_ms) {
  QmpClient qmp(timeout_ms);
  std::string err, status;
  if (!qmp.Connect(qmp_sock, &err) || !qmp.QueryStatus(&status, &err)) {
    return "";
  }
  return status;
}

std::string LeaseFromSerialLog(const std::string& serial_log, const std::string& mac) {
  std::ifstream in(serial_log);
  std::string line, found;
  while (std::getline(in, line)) {
    auto pos = line.find("QC-LEASE ");
    if (pos == std::string::npos) {
      continue;
    }
    line = line.substr(pos);
    if (Lower(Field(line, "mac")) != Lower(mac)) {
      continue;
    }
    std::string ip = Field(line, "ip");
    ip = ip.substr(0, ip.find('/'));
    if (!ip.empty() && ip[0] >= '0' && ip[0] <= '9') {
      found = ip;  // "none" = no answer
    }
  }
  return found;
}

std::string LeaseFromLeasesFile(const std::string& leases, const std::string& mac,
                                std::time_t granted_since) {
  // dnsmasq: "<expiry> <mac> <ip> <hostname> <client-id>"; expiry = the
  // time of the grant or renewal + the lease time.
  std::ifstream in(leases);
  std::string expiry, lmac, ip, rest;
  while (in >> expiry >> lmac >> ip && std::getline(in, rest)) {
    std::time_t granted = std::strtoll(expiry.c_str(), nullptr, 10) - kDnsmasqLeaseSeconds;
    // Both times are whole seconds. A lease granted in the second QEMU
    // started, or the one before, may be the previous run's (a quick stop and
    // up); this run's guest needs seconds to boot, so it is never that early.
    if (Lower(lmac) == Lower(mac) && granted > granted_since) {
      return ip;
    }
  }
  return "";
}

int FreeLocalPort(int from, const std::vector<int>& taken) {
  for (int port = from; port < 65536; ++port) {
    if (std::find(taken.begin(), taken.end(), port) != taken.end()) {
      continue;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return 0;
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool free_port = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(fd);
    if (free_port) {
      return port;
    }
  }
  return 0;
}

Usage ProcessUsage(pid_t pid) {
  Usage u;
  std::string stat = ReadSmallFile("/proc/" + std::to_string(pid) + "/stat");
  auto rparen = stat.rfind(')');
  if (rparen == std::string::npos) {
    return u;
  }
  std::istringstream ss(stat.substr(rparen + 2));
  std::vector<std::string> f;
  std::string tok;
  while (ss >> tok) {
    f.push_back(tok);
  }
  // After "(comm)": field 3 is f[0]; utime=14, stime=15, starttime=22, rss=24.
  if (f.size() < 22) {
    return u;
  }
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double cpu_s = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  double start_s = std::stod(f[19]) / ticks;
  double uptime = 0;
  std::istringstream(ReadSmallFile("/proc/uptime")) >> uptime;
  if (uptime > start_s) {
    u.cpu_percent = 100.0 * cpu_s / (uptime - start_s);
  }
  u.rss_bytes = std::stoull(f[21]) * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  return u;
}

std::uint64_t FileUsage(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return 0;
  }
  return static_cast<std::uint64_t>(st.st_blocks) * 512;
}

std::string HumanBytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  (void)std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f%s" : "%.1f%s", v, units[u]);
  return buf;
}

}  // namespace qc::commands
