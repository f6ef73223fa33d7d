// Issue 6, scenario 3: two users' projects, up at once in one namespace, get
// different subnets and bridges, and a VM of one cannot reach a VM of the
// other (ping and TCP), while each VM still reaches its own gateway, the
// host beyond its subnet, and serves the host: the failure is the isolation,
// not a broken VM or a missing route.
#include <gtest/gtest.h>

#include <string>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

struct Side {
  Project& project;
  std::string vm;
  std::string ip;
  std::string gateway;
};

void ExpectCannotReach(Side& from, const Side& to) {
  SCOPED_TRACE(from.vm + " -> " + to.vm);
  GuestResult own = from.project.InGuest(from.vm, "ping -c 1 -W 5 " + from.gateway);
  ASSERT_TRUE(own.finished) << from.project.Diagnostics();
  EXPECT_EQ(own.rc, 0) << "its own gateway answers\n" << own.out;
  // Off its subnet, through its default route, to the host's address on the
  // other bridge: routing works, only forwarding into the other bridge is cut.
  GuestResult host = from.project.InGuest(from.vm, "ping -c 1 -W 5 " + to.gateway);
  ASSERT_TRUE(host.finished) << from.project.Diagnostics();
  EXPECT_EQ(host.rc, 0) << "the host answers on the other bridge's address\n" << host.out;

  GuestResult ping = from.project.InGuest(from.vm, "ping -c 2 -W 3 " + to.ip);
  ASSERT_TRUE(ping.finished) << from.project.Diagnostics();
  EXPECT_NE(ping.rc, 0) << ping.out;
  EXPECT_EQ(ping.out.find("bytes from " + to.ip), std::string::npos) << ping.out;

  GuestResult tcp = from.project.InGuest(from.vm, "wget -q -O - -T 5 http://" + to.ip + "/");
  ASSERT_TRUE(tcp.finished) << from.project.Diagnostics();
  EXPECT_NE(tcp.rc, 0) << tcp.out;
  EXPECT_EQ(tcp.out.find("hello from " + to.vm), std::string::npos) << tcp.out;
}

TEST(E2eIsolation, TwoUsersProjectsCannotReachEachOther) {
  Netns ns;
  // Same project and network names on purpose: the users' objects must not collide.
  Project a(ns, UserA(), {"e2eiso", {{"alpha", {"backend"}, {}, ""}}, {"backend"}});
  Project b(ns, UserB(), {"e2eiso", {{"beta", {"backend"}, {}, ""}}, {"backend"}});
  // Both networks and VMs first, then wait: the two guests boot side by side.
  CmdResult up_a = a.Qc("up", kUpTimeoutMs);
  ASSERT_EQ(up_a.exit_code, 0) << up_a.out << up_a.err << a.Diagnostics();
  CmdResult up_b = b.Qc("up", kUpTimeoutMs);
  ASSERT_EQ(up_b.exit_code, 0) << up_b.out << up_b.err << b.Diagnostics();
  CmdResult wait_a = a.UpWait();
  ASSERT_EQ(wait_a.exit_code, 0) << wait_a.out << wait_a.err << a.Diagnostics();
  CmdResult wait_b = b.UpWait();
  ASSERT_EQ(wait_b.exit_code, 0) << wait_b.out << wait_b.err << b.Diagnostics();

  nlohmann::json net_a = a.Networks().value("backend", nlohmann::json::object());
  nlohmann::json net_b = b.Networks().value("backend", nlohmann::json::object());
  EXPECT_NE(net_a.value("subnet", ""), net_b.value("subnet", "")) << net_a << net_b;
  EXPECT_NE(net_a.value("bridge", ""), net_b.value("bridge", "")) << net_a << net_b;
  CmdResult links = ns.Run("ip -o link show type bridge");
  for (const auto& net : {net_a, net_b}) {
    EXPECT_NE(links.out.find(net.value("bridge", "?") + ":"), std::string::npos) << links.out;
  }

  Side alpha{a, "alpha", a.ReservedIp("backend", "alpha"), net_a.value("gateway", "")};
  Side beta{b, "beta", b.ReservedIp("backend", "beta"), net_b.value("gateway", "")};
  for (const Side* s : {&alpha, &beta}) {
    SCOPED_TRACE(s->vm);
    ASSERT_FALSE(s->ip.empty());
    EXPECT_TRUE(s->project.WaitGuestReady(s->vm)) << s->project.Diagnostics();
    EXPECT_EQ(s->project.LeaseOf(s->vm), s->ip + "/24") << s->project.Diagnostics();
    // The host (this namespace) reaches each guest's web server: both VMs work.
    const std::string want = "hello from " + s->vm;
    CmdResult web;
    EXPECT_TRUE(WaitFor(
        [&] {
          web = ns.Run("curl -s --max-time 5 http://" + s->ip + "/");
          return web.out.find(want) != std::string::npos;
        },
        60000, 1000))
        << web.out << web.err;
  }

  ExpectCannotReach(alpha, beta);
  ExpectCannotReach(beta, alpha);
}

}  // namespace
}  // namespace qc::itest::e2e
