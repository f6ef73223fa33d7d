// Issue 6, scenario 4: user-mode VMs (no networks). A `ports:` forward on
// 127.0.0.1 reaches the guest's web server, `ps` shows the forwards, and two
// such VMs get different automatic SSH forwards (2222 upward), each reaching
// its own guest. The guests answer on port 22 with `qc.serve=22`
// ("QC-HELLO hostname=NAME"), so a connection shows which guest it reached.
#include <gtest/gtest.h>

#include <string>

#include "e2e_project.h"

namespace qc::itest::e2e {
namespace {

constexpr int kWebPort = 18080;

// Polls until `sh` (run as root in ns) prints `want`; returns the last output.
std::string WaitForOutput(const Netns& ns, const std::string& sh, const std::string& want) {
  std::string out;
  WaitFor(
      [&] {
        out = ns.Run(sh).out;
        return out.find(want) != std::string::npos;
      },
      90000, 1000);
  return out;
}

TEST(E2eUserMode, ForwardedPortsReachTheirOwnGuest) {
  Netns ns;
  Project p(ns, UserA(),
            {"e2euser",
             {{"one", {}, {std::to_string(kWebPort) + ":80"}, "qc.serve=22"},
              {"two", {}, {}, "qc.serve=22"}},
             {}});
  CmdResult up = p.UpWait();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err << p.Diagnostics();

  nlohmann::json one = p.PsRow("one");
  nlohmann::json two = p.PsRow("two");
  const int ssh_one = one.value("port", 0);
  const int ssh_two = two.value("port", 0);
  EXPECT_EQ(one.value("status", ""), "ready") << one.dump();
  EXPECT_EQ(two.value("status", ""), "ready") << two.dump();
  EXPECT_GE(ssh_one, 2222) << one.dump();
  EXPECT_GE(ssh_two, 2222) << two.dump();
  EXPECT_NE(ssh_one, ssh_two);

  CmdResult table = p.Qc("ps");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const std::string& col : {"127.0.0.1:" + std::to_string(ssh_one) +
                                     "->22, 127.0.0.1:" + std::to_string(kWebPort) + "->80",
                                 "127.0.0.1:" + std::to_string(ssh_two) + "->22"}) {
    EXPECT_NE(table.out.find(col), std::string::npos) << col << " in:\n" << table.out;
  }
  nlohmann::json fwd = p.Inspect("one")["networks"][0]["forwards"];
  EXPECT_NE(fwd.dump().find(R"("guest":80,"host":18080)"), std::string::npos) << fwd.dump(2);

  // Forwards listen on loopback only, never on every interface.
  CmdResult listen = ns.Run("ss -Hltn");
  EXPECT_NE(listen.out.find("127.0.0.1:" + std::to_string(kWebPort) + " "), std::string::npos)
      << listen.out;
  EXPECT_EQ(listen.out.find("0.0.0.0:" + std::to_string(kWebPort)), std::string::npos)
      << listen.out;

  EXPECT_NE(
      WaitForOutput(ns, "curl -s --max-time 10 http://127.0.0.1:" + std::to_string(kWebPort) + "/",
                    "hello from one")
          .find("hello from one"),
      std::string::npos)
      << p.Diagnostics();
  for (const auto& [vm, port] : {std::pair{"one", ssh_one}, std::pair{"two", ssh_two}}) {
    const std::string want = std::string("QC-HELLO hostname=") + vm;
    std::string got = WaitForOutput(
        ns, "timeout 20 ncat --recv-only -w 10 127.0.0.1 " + std::to_string(port) + " </dev/null",
        want);
    EXPECT_NE(got.find(want), std::string::npos) << "port " << port << ": " << got;
  }
}

}  // namespace
}  // namespace qc::itest::e2e
