#include "dnsmasq/dnsmasq.h"
#include "names.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace qc::netd {
namespace {

uint32_t Ip(const char* dotted) {
  in_addr a{};
  EXPECT_EQ(inet_pton(AF_INET, dotted, &a), 1);
  return a.s_addr;
}

StartDnsmasq Good() {
  StartDnsmasq p;
  p.mutable_request()->set_bridge("qc-1a2b3c-net");
  p.mutable_request()->set_state_dir("/home/u/p/.qemu-compose/net-1");
  p.mutable_request()->set_domain("demo.qc");
  p.set_gateway_be(Ip("172.16.5.1"));
  p.set_prefix(24);
  return p;
}

// Returns the error message, or "OK" when the params are accepted.
std::string Error(const StartDnsmasq& p) {
  std::vector<std::string> argv = {"untouched"};
  std::string err;
  if (BuildDnsmasqArgv(p, "/usr/sbin/dnsmasq", &argv, &err)) {
    return "OK";
  }
  EXPECT_EQ(argv, std::vector<std::string>{"untouched"});  // nothing half-built leaks out
  return err;
}

TEST(DnsmasqArgv, ExactArgvForSlash24) {
  std::vector<std::string> argv;
  std::string err;
  ASSERT_TRUE(BuildDnsmasqArgv(Good(), "/usr/sbin/dnsmasq", &argv, &err)) << err;
  const std::string s = "/home/u/p/.qemu-compose/net-1";
  const std::vector<std::string> want = {
      "/usr/sbin/dnsmasq",
      "--conf-file=/dev/null",
      "--no-hosts",
      "--no-ping",
      "--bind-dynamic",
      "--interface=qc-1a2b3c-net",
      "--except-interface=lo",
      "--listen-address=172.16.5.1",
      "--dhcp-range=172.16.5.10,172.16.5.250,255.255.255.0,1h",
      "--dhcp-authoritative",
      "--dhcp-hostsfile=" + s + "/dhcp-hosts",
      "--addn-hosts=" + s + "/hosts",
      "--dhcp-leasefile=" + s + "/leases",
      "--pid-file=" + s + "/dnsmasq.pid",
      "--log-facility=" + s + "/dnsmasq.log",
      "--log-dhcp",
      "--domain=demo.qc",
      "--local=/demo.qc/",
      "--expand-hosts",
      "--dhcp-option=option:router,172.16.5.1",
      "--dhcp-option=option:dns-server,172.16.5.1",
      "--dhcp-option=option:domain-search,demo.qc",
  };
  EXPECT_EQ(argv, want);
}

TEST(DnsmasqArgv, ShorterPrefixKeepsRangeInTheFirstSlash24) {
  StartDnsmasq p = Good();
  p.set_gateway_be(Ip("172.20.0.1"));
  p.set_prefix(16);
  std::vector<std::string> argv;
  std::string err;
  ASSERT_TRUE(BuildDnsmasqArgv(p, "/usr/sbin/dnsmasq", &argv, &err)) << err;
  EXPECT_EQ(argv[8], "--dhcp-range=172.20.0.10,172.20.0.250,255.255.0.0,1h");
}

TEST(DnsmasqArgv, RejectsBadBridgeNames) {
  const std::string msg = "(want qc-[a-z0-9-]{1,12})";
  for (const char* name : {"", "qc-", "eth0", "lo", "qc-UPPER", "qc-a,b", "qc-a b", "qc-a\n",
                           "qc-1234567890123", "qc-é", "QC-abc", "-qc-a"}) {
    StartDnsmasq p = Good();
    p.mutable_request()->set_bridge(name);
    EXPECT_EQ(Error(p), "invalid bridge name " + Quoted(p.request().bridge()) + " " + msg) << name;
  }
}

TEST(DnsmasqArgv, RejectsBadPrefix) {
  for (int prefix : {-1, 0, 8, 15}) {
    StartDnsmasq p = Good();
    p.set_prefix(prefix);
    EXPECT_NE(Error(p).find("is larger than a /16 (the prefix must be 16..24)"), std::string::npos)
        << prefix;
  }
  for (int prefix : {25, 32, 33}) {
    StartDnsmasq p = Good();
    p.set_prefix(prefix);
    EXPECT_NE(Error(p).find("is smaller than a /24"), std::string::npos) << prefix;
  }
}

// The gateway is the subnet's first host, as AddAddress requires: never the
// network or broadcast address, never inside the DHCP range.
TEST(DnsmasqArgv, RejectsGatewayOtherThanTheFirstHost) {
  StartDnsmasq p = Good();
  for (const char* gateway : {"172.16.5.0", "172.16.5.255", "172.16.5.10", "172.16.5.254"}) {
    p.set_gateway_be(Ip(gateway));
    EXPECT_EQ(Error(p),
              "the gateway must be the first host of the subnet: expected "
              "172.16.5.1/24, got " +
                  std::string(gateway) + "/24");
  }
}

TEST(DnsmasqArgv, RejectsBadStateDirs) {
  const std::string kNotNormal =
      "state_dir must be normalised: no '//', '.' or '..' component, no trailing '/'";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "state_dir must be an absolute path"},
      {"relative/dir", "state_dir must be an absolute path"},
      {"-/x", "state_dir must be an absolute path"},
      {"--conf-file=/etc/evil", "state_dir must be an absolute path"},
      {"/a" + std::string(199, 'b'), "state_dir is longer than 200 characters"},
      {"/a,b", "state_dir may only contain A-Z a-z 0-9 . _ / -"},
      {"/a\nb", "state_dir may only contain A-Z a-z 0-9 . _ / -"},
      {"/a b", "state_dir may only contain A-Z a-z 0-9 . _ / -"},
      {"/caf\xc3\xa9", "state_dir may only contain A-Z a-z 0-9 . _ / -"},
      {std::string("/a\0b", 4), "state_dir may only contain A-Z a-z 0-9 . _ / -"},
      {"/a//b", kNotNormal},
      {"/a/./b", kNotNormal},
      {"/a/.", kNotNormal},
      {"/a/../b", kNotNormal},
      {"/a/..", kNotNormal},
      {"/a/", kNotNormal},
      {"/", kNotNormal},
  };
  for (const auto& [dir, msg] : cases) {
    StartDnsmasq p = Good();
    p.mutable_request()->set_state_dir(dir);
    EXPECT_EQ(Error(p), msg) << dir;
  }
}

TEST(DnsmasqArgv, AcceptsStateDirAtLimitAndDotsInsideNames) {
  StartDnsmasq p = Good();
  p.mutable_request()->set_state_dir("/" + std::string(199, 'a'));
  EXPECT_EQ(Error(p), "OK");
  p.mutable_request()->set_state_dir("/home/u/.qemu-compose/..net/a..b/x.");
  EXPECT_EQ(Error(p), "OK");
}

TEST(DnsmasqArgv, RejectsBadDomains) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "domain is empty"},
      {std::string(50, 'a') + "." + std::string(50, 'b'), "domain is longer than 100 characters"},
      {"-x.qc", "domain must not start with '-'"},
      {".qc", "domain has an empty label"},
      {"demo.", "domain has an empty label"},
      {"demo..qc", "domain has an empty label"},
      {std::string(64, 'a'), "domain has a label longer than 63 characters"},
      {"demo,qc", "domain may only contain a-z 0-9 - and '.'"},
      {"demo/qc", "domain may only contain a-z 0-9 - and '.'"},
      {"Demo.qc", "domain may only contain a-z 0-9 - and '.'"},
      {"demo\nqc", "domain may only contain a-z 0-9 - and '.'"},
      {"d\xc3\xa9mo", "domain may only contain a-z 0-9 - and '.'"},
      {"demo.-qc", "domain has a label starting or ending with '-'"},
      {"demo-.qc", "domain has a label starting or ending with '-'"},
  };
  for (const auto& [domain, msg] : cases) {
    StartDnsmasq p = Good();
    p.mutable_request()->set_domain(domain);
    EXPECT_EQ(Error(p), msg) << domain;
  }
}

TEST(DnsmasqArgv, AcceptsLongestDomain) {
  StartDnsmasq p = Good();
  p.mutable_request()->set_domain(std::string(63, 'a') + "." +
                                  std::string(36, 'b'));  // exactly 100
  EXPECT_EQ(Error(p), "OK");
}

TEST(DnsmasqArgv, RejectsRelativeDnsmasqPath) {
  std::vector<std::string> argv;
  std::string err;
  EXPECT_FALSE(BuildDnsmasqArgv(Good(), "dnsmasq", &argv, &err));
  EXPECT_EQ(err, "dnsmasq path must be absolute");
}

}  // namespace
}  // namespace qc::netd

namespace qc::netd {
namespace {

// Every byte value, in every caller-supplied string: accepted exactly when it is
// in that field's charset, and an accepted argv never has a word that is not a
// single --option=value (so no caller byte can start a new option).
TEST(DnsmasqArgv, EveryByteIsAcceptedOnlyFromItsCharset) {
  const std::string path_chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-";
  const std::string name_chars = "abcdefghijklmnopqrstuvwxyz0123456789-";
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    StartDnsmasq dir = Good();
    dir.mutable_request()->set_state_dir(std::string("/a") + c + "b");
    StartDnsmasq dom = Good();
    dom.mutable_request()->set_domain(std::string("a") + c + "b");
    StartDnsmasq br = Good();
    br.mutable_request()->set_bridge(std::string("qc-a") + c + "b");
    EXPECT_EQ(Error(dir) == "OK", path_chars.find(c) != std::string::npos) << b;
    EXPECT_EQ(Error(dom) == "OK", name_chars.find(c) != std::string::npos || c == '.') << b;
    EXPECT_EQ(Error(br) == "OK", name_chars.find(c) != std::string::npos) << b;
    for (const StartDnsmasq& p : {dir, dom, br}) {
      std::vector<std::string> argv;
      std::string err;
      if (BuildDnsmasqArgv(p, "/usr/sbin/dnsmasq", &argv, &err)) {
        ASSERT_EQ(argv.size(), 22U);
        for (size_t i = 1; i < argv.size(); ++i) {
          EXPECT_EQ(argv[i].rfind("--", 0), 0U) << argv[i];
          EXPECT_EQ(argv[i].find_first_of(std::string("\n\r\0 ", 4)), std::string::npos);
        }
      }
    }
  }
}

}  // namespace
}  // namespace qc::netd
