// Both ends of the launcher protocol: NUL-terminated fields in one datagram
// each way. Request: start|count|stop and its fields; reply: status, number,
// existed (0/1), message. This file holds the framing and the request-loop side.
#include <unistd.h>

#include <cstdlib>

#include "dnsmasq/launcher.h"
#include "seqpacket.h"

namespace qc::netd {

bool SendFields(int sock, const std::vector<std::string>& fields) {
  std::string msg;
  for (const std::string& f : fields) {
    msg += f + '\0';
  }
  return SendMessage(sock, msg.data(), msg.size()) == 0;
}

bool ReceiveFields(int sock, std::vector<std::string>* fields) {
  Received in;
  if (ReceiveMessage(sock, &in) != 0 || in.eof) {
    return false;
  }
  for (int fd : in.fds) {
    close(fd);  // none expected
  }
  const std::string all = in.truncated ? "" : std::string(in.bytes.begin(), in.bytes.end());
  fields->clear();
  for (size_t start = 0, end = 0; (end = all.find('\0', start)) != std::string::npos;
       start = end + 1) {
    fields->push_back(all.substr(start, end - start));
  }
  return true;
}

namespace {

bool Call(int sock, const std::vector<std::string>& fields, DhcpResult* out, std::string* err) {
  std::vector<std::string> f;
  if (!SendFields(sock, fields) || !ReceiveFields(sock, &f)) {
    *err = "the dnsmasq launcher is gone";
    return false;
  }
  if (f.size() != 4) {
    *err = "garbled reply from the dnsmasq launcher";
    return false;
  }
  *out = {static_cast<Status>(std::atoi(f[0].c_str())), std::atoi(f[1].c_str()), f[2] == "1", f[3]};
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
  const bool ok = Call(sock, {"count"}, &r, err);
  *count = static_cast<unsigned>(r.pid);
  return ok;
}

bool LauncherStop(int sock, const std::string& bridge, std::string* err) {
  DhcpResult r;
  if (Call(sock, {"stop", bridge}, &r, err) && r.status != OK) {
    *err = r.message;
  }
  return r.status == OK;
}

}  // namespace qc::netd
