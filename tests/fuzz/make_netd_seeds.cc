// Writes a few valid serialized qc::netd::Request messages (one per file) into
// the directory given as argv[1]: the seed corpus of fuzz_netd_request.
#include <cstdio>
#include <fstream>
#include <string>

#include "netd.pb.h"

namespace {

bool Write(const std::string& dir, const std::string& name, const qc::netd::Request& r) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  return r.SerializeToOstream(&out) && out.good();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    (void)std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  bool ok = true;
  qc::netd::Request r;
  r.mutable_hello()->set_version(1);
  ok &= Write(dir, "hello", r);
  r.mutable_create_bridge()->set_name("qc-web-net");
  ok &= Write(dir, "create_bridge", r);
  r.mutable_delete_bridge()->set_name("qc-a1");
  ok &= Write(dir, "delete_bridge", r);
  r.mutable_add_address()->set_bridge("qc-web-net");
  r.mutable_add_address()->set_cidr("172.16.3.1/24");
  ok &= Write(dir, "add_address", r);
  r.mutable_create_tap()->set_name("tap-web-0");
  r.mutable_create_tap()->set_bridge("qc-web-net");
  r.mutable_create_tap()->set_queues(2);
  ok &= Write(dir, "create_tap", r);
  r.mutable_delete_tap()->set_name("tap-web-0");
  ok &= Write(dir, "delete_tap", r);
  r.mutable_set_forwarding();
  ok &= Write(dir, "set_forwarding", r);
  r.mutable_enable_nat()->set_bridge("qc-web-net");
  ok &= Write(dir, "enable_nat", r);
  r.mutable_disable_nat()->set_bridge("qc-web-net");
  ok &= Write(dir, "disable_nat", r);
  r.mutable_start_dhcp()->set_bridge("qc-web-net");
  r.mutable_start_dhcp()->set_state_dir("/home/alice/.local/state/qemu-compose/web/net");
  r.mutable_start_dhcp()->set_domain("web.internal");
  ok &= Write(dir, "start_dhcp", r);
  r.mutable_list_owned();
  ok &= Write(dir, "list_owned", r);
  return ok ? 0 : 1;
}
