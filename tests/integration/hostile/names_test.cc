// Names: every operation that takes a link name refuses anything outside
// qc-[a-z0-9-]{1,12} / tap-[a-z0-9-]{1,11}, never truncates (CVE-2019-13164:
// qemu-bridge-helper let a name longer than IFNAMSIZ past its ACL), and never
// acts on a link it did not create for the caller, however alike its name or
// alias (CVE-2017-5985).
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>

#include "hostile_util.h"

namespace qc::itest {
namespace {

// Names no operation may accept, for bridges or TAPs (prefix = "qc-" or "tap-").
std::vector<std::string> BadNames(const std::string& prefix) {
  return {
      "",
      prefix,                                         // prefix alone
      prefix + std::string(13, 'a'),                  // one past the 15 characters
      std::string(16, 'a'),                           // exactly IFNAMSIZ
      prefix + std::string(16 - prefix.size(), 'b'),  // IFNAMSIZ with our prefix
      prefix + std::string(300, 'c'),
      prefix + "UPPER",
      prefix + "\xd1\x81\xd0\xb0\xd1\x84",  // Cyrillic "саф", looks like "caf"
      prefix + "caf\xc3\xa9",               // é
      prefix + "\xef\xbd\x81",              // fullwidth 'a'
      prefix + "a/b",
      "/",
      "..",
      ".",
      prefix + "..",
      prefix + "a" + std::string(1, '\0') + "b",
      std::string(1, '\0') + prefix + "a",
      prefix + "a b",
      " " + prefix + "a",
      prefix + "a\n",
      prefix + "a_b",
      prefix + "%s%n",
      "lo",
      "eth0",
      "QC-A",
      "x" + prefix + "a",
  };
}

// One operation that takes a name, as a request builder.
struct NamedOp {
  const char* what;
  std::function<netd::Request(const std::string&)> make;
  const char* says;  // what the refusal names
};

std::vector<NamedOp> BridgeNameOps(const std::string& state_dir) {
  return {
      {"CreateBridge", CreateBridgeReq, "invalid bridge name"},
      {"DeleteBridge", DeleteBridgeReq, "invalid bridge name"},
      {"AddAddress", [](const std::string& n) { return AddAddressReq(n, "172.16.80.1/24"); },
       "invalid bridge name"},
      {"CreateTap(bridge)", [](const std::string& n) { return CreateTapReq("tap-ok", n); },
       "invalid bridge name"},
      {"EnableNat", EnableNatReq, "invalid bridge name"},
      {"DisableNat", DisableNatReq, "invalid bridge name"},
      {"StartDhcp",
       [state_dir](const std::string& n) { return StartDhcpReq(n, state_dir, "n.test"); },
       "invalid bridge name"},
  };
}

std::vector<NamedOp> TapNameOps() {
  return {
      {"CreateTap(name)", [](const std::string& n) { return CreateTapReq(n, "qc-names"); },
       "invalid TAP name"},
      {"DeleteTap", DeleteTapReq, "invalid TAP name"},
  };
}

std::string Printable(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : "\\x" + std::to_string(c & 0xff);
  }
  return "'" + out.substr(0, 40) + "' (" + std::to_string(s.size()) + " bytes)";
}

TEST(HostileNames, EveryOperationRefusesEveryBadNameAndNothingChanges) {
  Netns ns;
  HelperClient c;
  StartHello(&c, ns, UserA());
  netd::Reply r;
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&c, "qc-names"));
  std::string before = NetDump(ns);
  int checked = 0;
  for (const NamedOp& op : BridgeNameOps(ScratchDir(UserA()))) {
    for (const std::string& name : BadNames("qc-")) {
      EXPECT_EQ(ExpectReply(&c, op.make(name), netd::INVALID_ARGUMENT, op.says), "")
          << op.what << " " << Printable(name);
      ++checked;
    }
  }
  for (const NamedOp& op : TapNameOps()) {
    for (const std::string& name : BadNames("tap-")) {
      EXPECT_EQ(ExpectReply(&c, op.make(name), netd::INVALID_ARGUMENT, op.says), "")
          << op.what << " " << Printable(name);
      ++checked;
    }
  }
  EXPECT_GT(checked, 200);
  EXPECT_EQ(NetDump(ns), before);
  EXPECT_TRUE(c.Hello());
}

TEST(HostileNames, Cve2019_13164_OverlongNamesNeverReachTheirTruncatedTwin) {
  Netns ns;
  HelperClient a;
  HelperClient b;
  StartHello(&a, ns, UserA());
  StartHello(&b, ns, UserB());
  netd::Reply r;
  const std::string bridge = "qc-abcdefghijkl";  // 15 bytes: the longest valid name
  const std::string tap = "tap-abcdefghijk";
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&a, bridge));
  std::vector<int> fds;
  ASSERT_TRUE(a.Call(CreateTapReq(tap, bridge), &r, &fds));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_TRUE(WaitOperUp(ns, bridge));
  std::string before = NetDump(ns);
  // Names equal to the existing ones in their first 15 bytes (what a
  // strncpy into ifr_name would keep), or up to a NUL.
  for (const std::string& suffix : {std::string("m"), std::string("-x"), std::string(300, 'z'),
                                    std::string("\0", 1), std::string("\0zz", 3)}) {
    for (HelperClient* c : {&a, &b}) {
      const char* who = c == &a ? "owner" : "other user";
      EXPECT_EQ(ExpectReply(c, DeleteBridgeReq(bridge + suffix), netd::INVALID_ARGUMENT,
                            "invalid bridge name"),
                "")
          << who << Printable(bridge + suffix);
      EXPECT_EQ(ExpectReply(c, CreateBridgeReq(bridge + suffix), netd::INVALID_ARGUMENT,
                            "invalid bridge name"),
                "")
          << who << Printable(bridge + suffix);
      EXPECT_EQ(ExpectReply(c, AddAddressReq(bridge + suffix, "172.16.81.1/24"),
                            netd::INVALID_ARGUMENT, "invalid bridge name"),
                "")
          << who << Printable(bridge + suffix);
      EXPECT_EQ(ExpectReply(c, CreateTapReq(tap + suffix, bridge), netd::INVALID_ARGUMENT,
                            "invalid TAP name"),
                "")
          << who << Printable(tap + suffix);
      EXPECT_EQ(
          ExpectReply(c, DeleteTapReq(tap + suffix), netd::INVALID_ARGUMENT, "invalid TAP name"),
          "")
          << who << Printable(tap + suffix);
    }
  }
  EXPECT_EQ(NetDump(ns), before);
  EXPECT_TRUE(TapCarriesFrames(ns, fds.at(0), bridge));
  close(fds[0]);
}

TEST(HostileNames, Cve2017_5985_LookAlikeLinksOfOtherToolsAreNeverTouched) {
  Netns ns;
  const std::string uid = std::to_string(UserA().uid);
  const std::string other = std::to_string(UserB().uid);
  // name -> alias ("" = none); all made by root, as another tool would.
  const std::vector<std::pair<std::string, std::string>> bridges = {
      {"qc-noalias", ""},
      {"qc-space", "qemu-compose:uid=" + uid + " "},
      {"qc-lead0", "qemu-compose:uid=0" + uid},
      {"qc-plus", "qemu-compose:uid=+" + uid},
      {"qc-wrap", "qemu-compose:uid=" + std::to_string(4294967296ULL + UserA().uid)},
      {"qc-suffix", "qemu-compose:uid=" + uid + ":x"},
      {"qc-upper", "QEMU-COMPOSE:uid=" + uid},
      {"qc-empty", "qemu-compose:uid="},
      {"qc-otheruid", "qemu-compose:uid=" + other},
      {"qc-rootuid", "qemu-compose:uid=0"},
  };
  std::string setup;
  for (const auto& [name, alias] : bridges) {
    setup.append("ip link add ").append(name).append(" type bridge && ");
    if (!alias.empty()) {
      setup.append("ip link set ").append(name).append(" alias '").append(alias).append("' && ");
    }
  }
  // Right alias, wrong kind: veths named like a bridge and like a TAP.
  const std::string own_alias = "qemu-compose:uid=" + uid;
  setup.append("ip link add qc-dummy type veth peer name qc-dummy-peer && ip link set qc-dummy ")
      .append("alias " + own_alias)
      .append(" && ip link add tap-dummy type veth peer name tap-dummy-p && ")
      .append("ip link set tap-dummy alias " + own_alias)
      .append(" && ip tuntap add dev tap-lookalike mode tap && ")
      .append("ip link set tap-lookalike alias '" + own_alias + " '");
  ASSERT_EQ(ns.Run(setup).exit_code, 0) << setup;
  HelperClient a;
  StartHello(&a, ns, UserA());
  netd::Reply r;
  ASSERT_NO_FATAL_FAILURE(MakeBridge(&a, "qc-mine"));
  std::string before = NetDump(ns);
  const std::string not_ours = "not a bridge created by qemu-compose for uid " + uid;
  std::vector<std::string> names;
  names.reserve(bridges.size() + 1);
  for (const auto& b : bridges) {
    names.push_back(b.first);
  }
  names.emplace_back("qc-dummy");
  for (const std::string& name : names) {
    for (const auto& [what, req] : std::vector<std::pair<std::string, netd::Request>>{
             {"DeleteBridge", DeleteBridgeReq(name)},
             {"AddAddress", AddAddressReq(name, "172.16.82.1/24")},
             {"CreateTap", CreateTapReq("tap-x", name)},
             {"EnableNat", EnableNatReq(name)},
             {"DisableNat", DisableNatReq(name)},
             {"StartDhcp", StartDhcpReq(name, ScratchDir(UserA()), "x.test")}}) {
      EXPECT_EQ(ExpectReply(&a, req, netd::PERMISSION_DENIED, not_ours), "") << what << " " << name;
    }
    EXPECT_EQ(ExpectReply(&a, CreateBridgeReq(name), netd::CONFLICT, "already exists"), "") << name;
  }
  for (const char* tap : {"tap-dummy", "tap-lookalike"}) {
    EXPECT_EQ(ExpectReply(&a, DeleteTapReq(tap), netd::PERMISSION_DENIED,
                          "not a TAP created by qemu-compose for uid " + uid),
              "")
        << tap;
    EXPECT_EQ(ExpectReply(&a, CreateTapReq(tap, "qc-mine"), netd::CONFLICT, "already exists"), "")
        << tap;
  }
  ASSERT_TRUE(a.Call(ListOwnedReq(), &r));
  ASSERT_EQ(r.owned().links_size(), 1);
  EXPECT_EQ(r.owned().links(0).name(), "qc-mine");
  EXPECT_EQ(NetDump(ns), before);
}

}  // namespace
}  // namespace qc::itest
