#include "hostile_util.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

namespace qc::itest {

std::string ExpectReply(HelperClient* c, const netd::Request& req, netd::Status status,
                        const std::string& says) {
  netd::Reply r;
  if (!c->Call(req, &r)) {
    return "no reply (helper gone?)";
  }
  if (r.status() != status || r.message().empty() || r.message().find(says) == std::string::npos) {
    return "got " + netd::Status_Name(r.status()) + " '" + r.message() + "', want " +
           netd::Status_Name(status) + " saying '" + says + "'";
  }
  return "";
}

void MakeBridge(HelperClient* c, const std::string& name, const std::string& cidr) {
  netd::Reply r;
  ASSERT_TRUE(c->Call(CreateBridgeReq(name), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  if (!cidr.empty()) {
    ASSERT_TRUE(c->Call(AddAddressReq(name, cidr), &r));
    ASSERT_EQ(r.status(), netd::OK) << r.message();
  }
}

bool WaitOperUp(const Netns& ns, const std::string& link) {
  return WaitFor(
      [&] { return ns.Run("ip link show " + link).out.find("state UP") != std::string::npos; },
      20000);
}

int FdCount(pid_t pid) {
  DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (d == nullptr) {
    return -1;
  }
  int n = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') {
      ++n;
    }
  }
  closedir(d);
  return n;
}

long RssKb(pid_t pid) {
  std::string v = StatusField(pid, "VmRSS");
  return v.empty() ? -1 : std::strtol(v.c_str(), nullptr, 10);
}

bool Alive(pid_t pid) {
  std::string state = StatusField(pid, "State");
  return !state.empty() && state[0] != 'Z';
}

bool TapCarriesFrames(const Netns& ns, int tap_fd, const std::string& bridge) {
  auto rx = [&] {
    return std::atol(ns.Run("cat /sys/class/net/" + bridge + "/statistics/rx_packets").out.c_str());
  };
  long before = rx();
  // virtio_net_hdr (IFF_VNET_HDR, all zero) + a broadcast Ethernet frame of
  // a local experimental EtherType: the bridge passes it up to itself.
  unsigned char frame[10 + 14 + 32] = {};
  std::memset(frame + 10, 0xff, 6);
  const unsigned char src[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
  std::memcpy(frame + 16, src, 6);
  frame[22] = 0x88;
  frame[23] = 0xb5;
  return WaitFor(
      [&] {
        return write(tap_fd, frame, sizeof(frame)) == static_cast<ssize_t>(sizeof(frame)) &&
               rx() > before;
      },
      20000, 200);
}

namespace {
std::string PolicyDir() {
  return GetInstall().prefix + "-hostile-policy";
}
}  // namespace

PolicyHelper::PolicyHelper() {
  std::string dir = PolicyDir();
  std::string cmd = "rm -rf " + dir + " && mkdir -m 0755 " + dir + " && cp " QC_HOSTILE_HELPER " " +
                    dir + "/helper && setcap cap_net_admin,cap_net_bind_service+ep " + dir +
                    "/helper";
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("cannot install the policy helper: " + cmd);
  }
}

PolicyHelper::~PolicyHelper() {
  (void)std::system(("rm -rf " + PolicyDir()).c_str());
}

void PolicyHelper::WritePolicy(const std::string& text) const {
  std::string file = PolicyDir() + "/netd.conf";
  std::ofstream(file) << text;
  chmod(file.c_str(), 0644);
}

std::string PolicyHelper::path() const {
  return PolicyDir() + "/helper";
}

}  // namespace qc::itest
