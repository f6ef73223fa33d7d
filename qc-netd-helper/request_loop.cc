// The session protocol: Hello first (version, policy, quotas), then any
// request, each answered with exactly one Reply.
#include "dnsmasq/dnsmasq.h"
#include "handlers/handlers.h"
#include "seqpacket.h"

namespace qc::netd {

static void HandleHello(Session& s, const Hello& req, Reply* r) {
  std::vector<LinkInfo> links;
  LauncherRequest count;
  count.set_count(true);
  if (req.version() != kProtocolVersion) {
    return SetReply(r, PROTOCOL_ERROR,
                    "protocol version " + std::to_string(req.version()) +
                        " not supported (helper speaks " + std::to_string(kProtocolVersion) + ")");
  }
  // The launcher's reply carries the number of dnsmasq (quota.used_dnsmasq).
  if (!LoadLinks(s, &links, r) || !CallLauncher(s.launcher_fd, count, r)) {
    return;
  }
  s.hello_done = true;
  HelloReply* h = r->mutable_hello();
  h->set_version(kProtocolVersion);
  h->set_uid(s.caller.uid);
  for (const ipv4::Cidr& p : s.policy.pools) {
    h->add_allowed_pools(ipv4::FormatCidr(p));
  }
  Quota* q = h->mutable_quota();
  q->set_max_bridges(s.quotas.max_bridges);
  q->set_max_taps(s.quotas.max_taps);
  q->set_max_dnsmasq(s.quotas.max_dnsmasq);
  q->set_used_bridges(CountOwned(s, links, "bridge"));
  q->set_used_taps(CountOwned(s, links, "tun"));
  SetReply(r, OK, "hello uid " + std::to_string(s.caller.uid));
}

static void Dispatch(Session& s, const Request& req, Reply* r, std::vector<int>* fds) {
  if (!s.hello_done && req.op_case() != Request::kHello) {
    return SetReply(r, PROTOCOL_ERROR, "the first request must be Hello");
  }
  switch (req.op_case()) {
    case Request::kHello:
      return HandleHello(s, req.hello(), r);
    case Request::kCreateBridge:
      return HandleCreateBridge(s, req.create_bridge(), r);
    case Request::kDeleteBridge:
      return HandleDelete(s, req.delete_bridge().name(), false, r);
    case Request::kAddAddress:
      return HandleAddAddress(s, req.add_address(), r);
    case Request::kCreateTap:
      return HandleCreateTap(s, req.create_tap(), r, fds);
    case Request::kDeleteTap:
      return HandleDelete(s, req.delete_tap().name(), true, r);
    case Request::kSetForwarding:
      return HandleSetForwarding(s, req.set_forwarding(), r);
    case Request::kEnableNat:
      return HandleEnableNat(s, req.enable_nat(), r);
    case Request::kDisableNat:
      return HandleDisableNat(s, req.disable_nat(), r);
    case Request::kStartDhcp:
      return HandleStartDhcp(s, req.start_dhcp(), r);
    case Request::kListOwned:
      return HandleListOwned(s, req.list_owned(), r);
    case Request::OP_NOT_SET:
      return SetReply(r, PROTOCOL_ERROR, "empty or unknown request");
  }
}

int RunRequestLoop(Session& s, int sock) {
  for (;;) {
    Received in;
    std::vector<int> fds;
    if (ReceiveMessage(sock, &in) != 0) {
      return 1;
    }
    CloseAll(&in.fds);  // the helper never accepts fds
    if (in.eof) {
      return 0;
    }
    Request req;
    Reply reply;
    if (in.truncated) {
      SetReply(&reply, PROTOCOL_ERROR,
               "request larger than " + std::to_string(kMaxMessageBytes) + " bytes");
    } else if (!req.ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()))) {
      SetReply(&reply, PROTOCOL_ERROR, "undecodable request");
    } else {
      Dispatch(s, req, &reply, &fds);
    }
    std::string out;
    // Every handler sets a status (and SetReply cuts a reason that echoes a
    // huge name short); a huge ListOwned could still be too large to send.
    if (reply.status() == STATUS_UNSPECIFIED || !reply.SerializeToString(&out) ||
        out.size() > kMaxMessageBytes) {
      CloseAll(&fds);
      Reply small;
      SetReply(&small, INTERNAL, "no reply produced or reply too large");
      small.SerializeToString(&out);
    }
    const int rc = SendMessage(sock, out.data(), out.size(), fds.data(), fds.size());
    CloseAll(&fds);
    if (rc != 0) {
      return 1;
    }
  }
}

}  // namespace qc::netd
