// Issue 12 (4): the helper acts only on processes in its own network
// namespace. The same user's dnsmasq for a bridge of the same name in another
// namespace is not "already serving" here, is not stopped by a DeleteBridge
// here and does not count against the dnsmasq quota here.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostile_util.h"

namespace qc::itest {
namespace {

// "net:[<inode>]" of the namespace a Netns is.
std::string NsId(const Netns& ns) {
  struct stat st {};
  return stat(("/run/netns/" + ns.name()).c_str(), &st) == 0
             ? "net:[" + std::to_string(st.st_ino) + "]"
             : "";
}

std::string NsOf(int pid) {
  char buf[64] = {};
  const ssize_t n =
      readlink(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, n) : "";
}

// A helper of user A in `ns` (policy: one dnsmasq), with bridge `name` at 172.16.8.1/24.
void HelperWithBridge(HelperClient* c, const Netns& ns, const PolicyHelper& policy,
                      const std::string& name) {
  c->Start(ns, UserA(), policy.path());
  netd::Reply r;
  ASSERT_TRUE(c->Hello(&r)) << r.message();
  MakeBridge(c, name, "172.16.8.1/24");
}

int StartDhcp(HelperClient* c, const std::string& bridge, netd::Reply* r) {
  EXPECT_TRUE(c->Call(StartDhcpReq(bridge, ScratchDir(UserA()), "demo.qc"), r));
  return r->dhcp().pid();
}

TEST(HostileNetns, DnsmasqOfAnotherNamespaceIsNotReusedStoppedOrCounted) {
  PolicyHelper policy;
  policy.WritePolicy("max_dnsmasq = 1\n");
  Netns ns1;
  Netns ns2;
  HelperClient here;
  HelperClient there;
  ASSERT_NO_FATAL_FAILURE(HelperWithBridge(&there, ns1, policy, "qc-dup"));
  ASSERT_NO_FATAL_FAILURE(HelperWithBridge(&here, ns2, policy, "qc-dup"));
  netd::Reply r;
  const int theirs = StartDhcp(&there, "qc-dup", &r);
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  ASSERT_EQ(NsOf(theirs), NsId(ns1));

  HelperClient counter;  // Hello reports the dnsmasq in use

  counter.Start(ns2, UserA(), policy.path());
  ASSERT_TRUE(counter.Hello(&r));
  EXPECT_EQ(r.hello().quota().used_dnsmasq(), 0U);

  const int ours = StartDhcp(&here, "qc-dup", &r);
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_FALSE(r.already_existed()) << r.message();
  EXPECT_NE(ours, theirs);
  EXPECT_EQ(NsOf(ours), NsId(ns2));
  // The quota still holds within this namespace.
  MakeBridge(&here, "qc-dup2", "172.16.9.1/24");
  StartDhcp(&here, "qc-dup2", &r);
  EXPECT_EQ(r.status(), netd::QUOTA_EXCEEDED) << r.message();

  ASSERT_TRUE(here.Call(DeleteBridgeReq("qc-dup"), &r));
  ASSERT_EQ(r.status(), netd::OK) << r.message();
  EXPECT_TRUE(WaitFor([&] { return !Alive(ours); }, 10000));
  EXPECT_TRUE(Alive(theirs)) << "DeleteBridge in one namespace stopped the dnsmasq of another";
}

}  // namespace
}  // namespace qc::itest
