// The session protocol: Hello first, then any request, each answered with
// exactly one Reply.
#include "handlers/handlers.h"
#include "seqpacket.h"

namespace qc::netd {

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
