// Helpers for the NAT kernel tests. Linking private_netns.cc moves the whole
// test process into a fresh network namespace before any test runs.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <optional>
#include <string>

#include "ipv4.h"

namespace qc::netd::nattest {

inline ipv4::Cidr Net(const char* text) {
  const std::optional<ipv4::Cidr> c = ipv4::ParseCidr(text);
  EXPECT_TRUE(c.has_value()) << text;
  return c.value_or(ipv4::Cidr{});
}

// Runs a shell command (in our private netns); returns stdout+stderr, sets *status.
inline std::string Sh(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* f = popen((cmd + " 2>&1").c_str(), "r");
  if (f == nullptr) {
    return "popen failed";
  }
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  const int rc = pclose(f);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

inline bool ShOk(const std::string& cmd) {
  int status = -1;
  Sh(cmd, &status);
  return status == 0;
}

// What `nft list table ip qemu_compose` shows for one bridge's two chains
// (`subnet` like "172.30.1.0/24"), exactly as NatEnable installs them.
inline std::string BridgeChains(const std::string& bridge, const std::string& subnet) {
  const std::string b = "\"" + bridge + "\"";
  return "\tchain " + bridge + "-forward {\n" +
         "\t\ttype filter hook forward priority filter; policy accept;\n" + "\t\tiifname " + b +
         " oifname \"qc-*\" oifname != " + b + " drop\n" + "\t\tiifname " + b + " ip saddr " +
         subnet + " accept\n" + "\t\tiifname " + b + " drop\n" + "\t\toifname " + b +
         " ct state established,related accept\n" + "\t\toifname " + b + " drop\n" + "\t}\n\n" +
         "\tchain " + bridge + "-postrouting {\n" +
         "\t\ttype nat hook postrouting priority srcnat; policy accept;\n" + "\t\tip saddr " +
         subnet + " oifname != " + b + " masquerade\n" + "\t}\n";
}

}  // namespace qc::netd::nattest
