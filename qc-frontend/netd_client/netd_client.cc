#include "netd_client.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "seqpacket.h"
#include "subprocess.h"

namespace qc::netd_client {

using qc::netd::Reply;
using qc::netd::Request;

std::string StatusName(qc::netd::Status s) {
  switch (s) {
    case qc::netd::OK:
      return "ok";
    case qc::netd::INVALID_ARGUMENT:
      return "invalid argument";
    case qc::netd::PERMISSION_DENIED:
      return "permission denied";
    case qc::netd::NOT_FOUND:
      return "not found";
    case qc::netd::CONFLICT:
      return "conflict";
    case qc::netd::QUOTA_EXCEEDED:
      return "quota exceeded";
    case qc::netd::PROTOCOL_ERROR:
      return "protocol error";
    case qc::netd::INTERNAL:
      return "internal error";
    default:
      return "unknown status";
  }
}

std::unique_ptr<NetdClient> NetdClient::Start(const std::string& helper_path, std::string* error) {
  std::unique_ptr<NetdClient> client = Spawn(helper_path, error);
  if (client && !client->FinishHandshake(error)) {
    return nullptr;
  }
  return client;
}

std::unique_ptr<NetdClient> NetdClient::Spawn(const std::string& helper_path, std::string* error) {
  if (access(helper_path.c_str(), X_OK) != 0) {
    *error = "network helper " + helper_path + " is not installed or not executable (" +
             std::strerror(errno) + "); run `qemu-compose doctor`";
    return nullptr;
  }
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
    *error = std::string("socketpair: ") + std::strerror(errno);
    return nullptr;
  }
  // The helper expects its socket on fd 3 and nothing else inherited.
  SpawnOptions opts;
  opts.argv = {helper_path};
  opts.pass_fds = {{3, sp[1]}};
  Child child;
  bool spawned = qc::Spawn(opts, &child, error);
  close(sp[1]);
  if (!spawned) {
    close(sp[0]);
    return nullptr;
  }
  std::unique_ptr<NetdClient> client(new NetdClient(sp[0], child.pid()));
  // The Hello is queued now; the helper answers once it has started up.
  Request req;
  req.mutable_hello()->set_version(kProtocolVersion);
  if (!client->Send(req, error)) {
    *error = "network helper handshake failed: " + *error;
    return nullptr;
  }
  client->handshake_pending_ = true;
  return client;
}

bool NetdClient::FinishHandshake(std::string* error) {
  if (!handshake_pending_) {
    return true;
  }
  handshake_pending_ = false;
  Reply reply;
  if (!Receive(&reply, nullptr, error)) {
    *error = "network helper handshake failed: " + *error;
    return false;
  }
  hello_ = reply.hello();
  return true;
}

NetdClient::~NetdClient() {
  close(sock_);  // helper sees EOF and exits
  (void)qc::Wait(pid_);
}

bool NetdClient::Call(const Request& req, Reply* reply, std::vector<int>* fds, std::string* error) {
  return FinishHandshake(error) && Send(req, error) && Receive(reply, fds, error);
}

bool NetdClient::Send(const Request& req, std::string* error) {
  std::string bytes;
  if (!req.SerializeToString(&bytes)) {
    *error = "cannot encode request";
    return false;
  }
  int rc = SendMessage(sock_, bytes.data(), bytes.size());
  if (rc != 0) {
    *error = std::string("cannot talk to the network helper: ") + std::strerror(-rc);
    return false;
  }
  return true;
}

bool NetdClient::CallAll(const std::vector<Request>& reqs, std::vector<Reply>* replies,
                         std::vector<std::vector<int>>* fds, std::vector<std::string>* errors,
                         std::string* error) {
  replies->assign(reqs.size(), Reply());
  fds->assign(reqs.size(), {});
  errors->assign(reqs.size(), "");
  if (!FinishHandshake(error)) {
    return false;
  }
  for (const auto& req : reqs) {
    if (!Send(req, error)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    if (!Receive(&(*replies)[i], &(*fds)[i], &(*errors)[i]) &&
        (*replies)[i].status() == qc::netd::STATUS_UNSPECIFIED) {
      *error = (*errors)[i];  // the helper never answers UNSPECIFIED: transport failure
      for (auto& got : *fds) {
        for (int fd : got) {
          close(fd);
        }
        got.clear();
      }
      return false;
    }
  }
  return true;
}

bool NetdClient::Receive(Reply* reply, std::vector<int>* fds, std::string* error) {
  reply->Clear();
  Received in;
  int rc = ReceiveMessage(sock_, &in);
  if (rc != 0 || in.eof) {
    *error = rc != 0 ? std::string("network helper: ") + std::strerror(-rc)
                     : "network helper exited without answering (see its stderr above)";
    return false;
  }
  auto drop_fds = [&in] {
    for (int fd : in.fds) {
      close(fd);
    }
    in.fds.clear();
  };
  if (in.truncated || !reply->ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()))) {
    drop_fds();
    reply->Clear();
    *error = "undecodable reply from the network helper";
    return false;
  }
  if (reply->status() != qc::netd::OK) {
    drop_fds();
    *error = reply->message().empty() ? StatusName(reply->status()) : reply->message();
    return false;
  }
  if (fds != nullptr) {
    fds->insert(fds->end(), in.fds.begin(), in.fds.end());
  } else {
    drop_fds();
  }
  return true;
}

bool NetdClient::DisableNat(const std::string& bridge, std::string* error) {
  Request req;
  req.mutable_disable_nat()->set_bridge(bridge);
  Reply reply;
  if (Call(req, &reply, nullptr, error)) {
    return true;
  }
  return reply.status() == qc::netd::NOT_FOUND;
}

bool NetdClient::StartDhcp(const std::string& bridge, const std::string& state_dir,
                           const std::string& domain, int* pid, std::string* error) {
  Request req;
  auto* d = req.mutable_start_dhcp();
  d->set_bridge(bridge);
  d->set_state_dir(state_dir);
  d->set_domain(domain);
  Reply reply;
  if (!Call(req, &reply, nullptr, error)) {
    return false;
  }
  if (pid != nullptr) {
    *pid = reply.dhcp().pid();
  }
  return true;
}

bool NetdClient::DeleteTap(const std::string& name, std::string* error) {
  Request req;
  req.mutable_delete_tap()->set_name(name);
  Reply reply;
  if (Call(req, &reply, nullptr, error)) {
    return true;
  }
  return reply.status() == qc::netd::NOT_FOUND;
}

bool NetdClient::DeleteBridge(const std::string& name, std::string* error) {
  Request req;
  req.mutable_delete_bridge()->set_name(name);
  Reply reply;
  if (Call(req, &reply, nullptr, error)) {
    return true;
  }
  return reply.status() == qc::netd::NOT_FOUND;
}

bool NetdClient::ListOwned(qc::netd::OwnedLinks* out, std::string* error) {
  Request req;
  req.mutable_list_owned();
  Reply reply;
  if (!Call(req, &reply, nullptr, error)) {
    return false;
  }
  *out = reply.owned();
  return true;
}

}  // namespace qc::netd_client
