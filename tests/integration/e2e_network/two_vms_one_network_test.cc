// Issue 6, scenario 1: two VMs on one `subnet: auto` network get their
// reserved addresses over DHCP, resolve each other by name through the
// bridge's dnsmasq and ping each other; `ps` shows both with their IPs.
#include <gtest/gtest.h>

#include <string>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

TEST(E2eTwoVmsOneNetwork, ReservedLeasesNamesPingAndPs) {
  Netns ns;
  Project p(ns, UserA(),
            {"e2etwo", {{"web", {"backend"}, {}, ""}, {"db", {"backend"}, {}, ""}}, {"backend"}});
  CmdResult up = p.UpWait();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();

  // networks.json: one allocated /24 with a reservation per VM in .10-.250.
  nlohmann::json nets = p.Networks();
  ASSERT_TRUE(nets.contains("backend")) << nets.dump(2);
  const std::string subnet = nets["backend"].value("subnet", "");
  EXPECT_EQ(subnet.substr(0, 7), "172.16.") << subnet;
  EXPECT_EQ(nets["backend"]["reservations"].size(), 2U) << nets.dump(2);
  const std::string gateway = nets["backend"].value("gateway", "");
  EXPECT_EQ(gateway, subnet.substr(0, subnet.size() - 4) + "1") << nets.dump(2);

  const std::string web_ip = p.ReservedIp("backend", "web");
  const std::string db_ip = p.ReservedIp("backend", "db");
  EXPECT_NE(web_ip, db_ip);
  for (const auto& [vm, ip] : {std::pair{"web", web_ip}, std::pair{"db", db_ip}}) {
    SCOPED_TRACE(vm);
    EXPECT_TRUE(InDhcpRange(subnet, ip)) << ip << " not in .10-.250 of " << subnet;
    // What the guest got over DHCP is the reservation, and what the user sees.
    EXPECT_TRUE(p.WaitGuestReady(vm)) << p.Diagnostics();
    EXPECT_EQ(p.LeaseOf(vm), ip + "/24") << p.Diagnostics();
    nlohmann::json row = p.PsRow(vm);
    EXPECT_EQ(row.value("status", ""), "ready") << row.dump();
    EXPECT_EQ(row.value("ip", ""), ip) << row.dump();
    EXPECT_GT(row.value("pid", 0), 0) << row.dump();
    nlohmann::json nic = p.Inspect(vm)["networks"][0];
    EXPECT_EQ(nic.value("ip", ""), ip) << nic.dump(2);
    EXPECT_EQ(nic.value("subnet", ""), subnet) << nic.dump(2);
    EXPECT_EQ(nic.value("bridge", ""), nets["backend"].value("bridge", "")) << nic.dump(2);
  }

  // The table a user reads: both VMs, ready, with their addresses.
  CmdResult table = p.Qc("ps");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const auto& [vm, ip] : {std::pair{"web", web_ip}, std::pair{"db", db_ip}}) {
    bool found = false;
    for (std::size_t at = 0, nl = 0; at < table.out.size(); at = nl + 1) {
      nl = table.out.find('\n', at);
      std::string line = table.out.substr(at, nl - at);
      if (line.rfind(std::string(vm) + " ", 0) == 0) {
        found = line.find("ready") != std::string::npos && line.find(ip) != std::string::npos;
      }
      if (nl == std::string::npos) {
        break;
      }
    }
    EXPECT_TRUE(found) << vm << " ready with " << ip << " in:\n" << table.out;
  }

  // Names through the bridge's dnsmasq, then pings, both ways.
  GuestResult look = p.InGuest("web", "nslookup db");
  ASSERT_TRUE(look.finished) << p.Diagnostics();
  EXPECT_EQ(look.rc, 0) << look.out;
  EXPECT_NE(look.out.find("Address: " + db_ip), std::string::npos) << look.out;
  EXPECT_NE(look.out.find(gateway), std::string::npos) << "answered by the gateway\n" << look.out;

  GuestResult ping_db = p.InGuest("web", "ping -c 2 -W 5 db");
  ASSERT_TRUE(ping_db.finished) << p.Diagnostics();
  EXPECT_EQ(ping_db.rc, 0) << ping_db.out;
  EXPECT_NE(ping_db.out.find("bytes from " + db_ip), std::string::npos) << ping_db.out;

  GuestResult ping_web = p.InGuest("db", "ping -c 2 -W 5 web");
  ASSERT_TRUE(ping_web.finished) << p.Diagnostics();
  EXPECT_EQ(ping_web.rc, 0) << ping_web.out;
  EXPECT_NE(ping_web.out.find("bytes from " + web_ip), std::string::npos) << ping_web.out;

  // A name nobody reserved does not resolve (the answers above are not a wildcard).
  GuestResult nobody = p.InGuest("db", "nslookup nosuchvm");
  ASSERT_TRUE(nobody.finished) << p.Diagnostics();
  EXPECT_NE(nobody.rc, 0) << nobody.out;
}

}  // namespace
}  // namespace qc::itest::e2e
