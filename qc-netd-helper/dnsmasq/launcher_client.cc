// Request-loop side of the launcher protocol: NUL-separated fields in one
// datagram each way. Reply: status, number, existed (0/1), message.
#include <cstdlib>

#include "dnsmasq/launcher.h"
#include "seqpacket.h"

namespace qc::netd {
namespace {

bool Call(int sock, const std::vector<std::string>& fields, DhcpResult* out, std::string* err) {
  std::string msg;
  for (const std::string& f : fields) {
    msg += f + '\0';
  }
  Received in;
  if (SendMessage(sock, msg.data(), msg.size()) != 0 || ReceiveMessage(sock, &in) != 0 || in.eof ||
      in.truncated) {
    *err = "the dnsmasq launcher is gone";
    return false;
  }
  std::vector<std::string> f;
  std::string cur;
  for (std::uint8_t b : in.bytes) {
    if (b == 0) {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(b);
    }
  }
  if (f.size() != 4) {
    *err = "garbled reply from the dnsmasq launcher";
    return false;
  }
  out->status = static_cast<Status>(std::atoi(f[0].c_str()));
  out->pid = std::atoi(f[1].c_str());
  out->existed = f[2] == "1";
  out->message = f[3];
  return true;
}

}  // namespace

bool LauncherStart(int sock, const DhcpStart& req, DhcpResult* out, std::string* err) {
  return Call(
      sock,
      {"start", req.bridge, std::to_string(req.gateway.addr), std::to_string(req.gateway.prefix),
       req.state_dir, req.domain, std::to_string(req.max_instances)},
      out, err);
}

bool LauncherCount(int sock, unsigned* count, std::string* err) {
  DhcpResult r;
  if (!Call(sock, {"count"}, &r, err)) {
    return false;
  }
  *count = static_cast<unsigned>(r.pid);
  return true;
}

bool LauncherStop(int sock, const std::string& bridge, std::string* err) {
  DhcpResult r;
  if (!Call(sock, {"stop", bridge}, &r, err)) {
    return false;
  }
  if (r.status != OK) {
    *err = r.message;
  }
  return r.status == OK;
}

}  // namespace qc::netd
