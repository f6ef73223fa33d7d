#include "client.h"

#include <sys/socket.h>
#include <unistd.h>

#include "seqpacket.h"

namespace qc::itest {

HelperClient::~HelperClient() {
  Finish();
}

void HelperClient::Start(const Netns& ns, const User& u, const std::string& helper,
                         const std::string& stderr_path) {
  StartCommand(ns, &u, {helper}, stderr_path);
}

void HelperClient::StartCommand(const Netns& ns, const User* u,
                                const std::vector<std::string>& argv,
                                const std::string& stderr_path) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return;
  }
  pid_ = ns.Spawn(u, argv, sv[1], {}, "", stderr_path);
  close(sv[1]);
  sock_ = sv[0];
}

bool HelperClient::CallRaw(const std::string& bytes, qc::netd::Reply* reply) {
  if (qc::SendMessage(sock_, bytes.data(), bytes.size()) != 0) return false;
  qc::Received in;
  if (qc::ReceiveMessage(sock_, &in) != 0 || in.eof) return false;
  for (int fd : in.fds) close(fd);
  return reply->ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()));
}

bool HelperClient::Call(const qc::netd::Request& req, qc::netd::Reply* reply,
                        std::vector<int>* fds) {
  std::string bytes;
  req.SerializeToString(&bytes);
  if (qc::SendMessage(sock_, bytes.data(), bytes.size()) != 0) return false;
  qc::Received in;
  if (qc::ReceiveMessage(sock_, &in) != 0 || in.eof) return false;
  if (fds != nullptr) {
    *fds = in.fds;
  } else {
    for (int fd : in.fds) close(fd);
  }
  return reply->ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()));
}

bool HelperClient::Hello(qc::netd::Reply* reply) {
  qc::netd::Request req;
  req.mutable_hello()->set_version(qc::kProtocolVersion);
  qc::netd::Reply local;
  qc::netd::Reply* r = reply != nullptr ? reply : &local;
  return Call(req, r) && r->status() == qc::netd::OK;
}

int HelperClient::Finish() {
  if (sock_ >= 0) close(sock_);
  sock_ = -1;
  if (pid_ <= 0) return -1;
  int code = WaitPid(pid_, 10000);
  pid_ = -1;
  return code;
}

qc::netd::Request CreateBridgeReq(const std::string& name) {
  qc::netd::Request r;
  r.mutable_create_bridge()->set_name(name);
  return r;
}
qc::netd::Request DeleteBridgeReq(const std::string& name) {
  qc::netd::Request r;
  r.mutable_delete_bridge()->set_name(name);
  return r;
}
qc::netd::Request AddAddressReq(const std::string& bridge, const std::string& cidr) {
  qc::netd::Request r;
  r.mutable_add_address()->set_bridge(bridge);
  r.mutable_add_address()->set_cidr(cidr);
  return r;
}
qc::netd::Request CreateTapReq(const std::string& name, const std::string& bridge,
                               unsigned queues) {
  qc::netd::Request r;
  r.mutable_create_tap()->set_name(name);
  r.mutable_create_tap()->set_bridge(bridge);
  r.mutable_create_tap()->set_queues(queues);
  return r;
}
qc::netd::Request DeleteTapReq(const std::string& name) {
  qc::netd::Request r;
  r.mutable_delete_tap()->set_name(name);
  return r;
}
qc::netd::Request EnableNatReq(const std::string& bridge) {
  qc::netd::Request r;
  r.mutable_enable_nat()->set_bridge(bridge);
  return r;
}
qc::netd::Request DisableNatReq(const std::string& bridge) {
  qc::netd::Request r;
  r.mutable_disable_nat()->set_bridge(bridge);
  return r;
}
qc::netd::Request StartDhcpReq(const std::string& bridge, const std::string& state_dir,
                               const std::string& domain) {
  qc::netd::Request r;
  r.mutable_start_dhcp()->set_bridge(bridge);
  r.mutable_start_dhcp()->set_state_dir(state_dir);
  r.mutable_start_dhcp()->set_domain(domain);
  return r;
}
qc::netd::Request ListOwnedReq() {
  qc::netd::Request r;
  r.mutable_list_owned();
  return r;
}
qc::netd::Request SetForwardingReq() {
  qc::netd::Request r;
  r.mutable_set_forwarding();
  return r;
}

}  // namespace qc::itest
