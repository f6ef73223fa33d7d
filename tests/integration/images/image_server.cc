#include "image_server.h"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace qc::itest {
namespace {

constexpr int kStartTimeoutMs = 90 * 1000;  // python starts slowly on a loaded machine
// How long Requests() waits for begun requests to end: a finished client's
// request ends at once, a killed one's at the server's next write.
constexpr int kSettleTimeoutMs = 15 * 1000;

std::string StringOr(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

ImageServer::ImageServer(const Netns& ns, long rate) : ns_(ns) {
  char tmpl[] = "/tmp/qcit-images-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    return;
  }
  dir_ = tmpl;
  std::filesystem::permissions(dir_, std::filesystem::perms(0755));
  log_ = dir_ + "/.requests.log";
  CmdResult cert = ns_.Run("cd " + dir_ +
                           " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
                           "/CN=127.0.0.1 -keyout .tls.pem -out .tls.crt >/dev/null 2>&1 && "
                           "cat .tls.crt >> .tls.pem");
  if (cert.exit_code != 0) {
    return;
  }
  pid_ =
      ns_.Spawn(nullptr,
                {"/usr/bin/python3", QC_IMAGES_HTTP_SERVER, "--root", dir_, "--log", log_, "--rate",
                 std::to_string(rate), "--tls-port", "8443", "--cert", dir_ + "/.tls.pem"},
                -1, {}, dir_ + "/.server.out", dir_ + "/.server.err");
  started_ = WaitFor(
      [&] { return ReadFile(dir_ + "/.server.out").find("listening") != std::string::npos; },
      kStartTimeoutMs);
}

ImageServer::~ImageServer() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string ImageServer::StartupLog() const {
  return ReadFile(dir_ + "/.server.out") + ReadFile(dir_ + "/.server.err");
}

void ImageServer::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitPid(pid_, 10000);
    pid_ = -1;
  }
}

CmdResult ImageServer::Shell(const std::string& sh) const {
  return ns_.Run("cd " + dir_ + " && " + sh);
}

std::string ImageServer::AddRandom(const std::string& name, long bytes) const {
  Shell("head -c " + std::to_string(bytes) + " /dev/urandom > " + name + " && chmod 644 " + name);
  return Sha(name);
}

std::string ImageServer::Sha(const std::string& name, const std::string& algo) const {
  CmdResult r = Shell(algo + "sum " + name);
  return r.out.substr(0, r.out.find(' '));
}

std::vector<LoggedRequest> ImageServer::Requests() const {
  std::vector<LoggedRequest> out;
  // The log has {"begin": ID} when a request starts and its entry (with
  // "id") when its handler ends. A client can have every byte and exit
  // before that, so wait until no begun request is still open, unless the
  // server is gone (Stop) and never will end them.
  auto read = [&] {
    out.clear();
    std::set<long long> open;
    std::istringstream in(ReadFile(log_));
    std::string line;
    while (std::getline(in, line)) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object()) {
        continue;
      }
      if (j.contains("begin")) {
        open.insert(j.value("begin", 0LL));
        continue;
      }
      open.erase(j.value("id", 0LL));
      LoggedRequest r;
      r.method = StringOr(j, "method");
      r.path = StringOr(j, "path");
      r.range = StringOr(j, "range");
      r.if_range = StringOr(j, "if_range");
      r.if_none_match = StringOr(j, "if_none_match");
      r.status = j.value("status", 0);
      r.bytes = j.value("bytes", 0LL);
      out.push_back(r);
    }
    return open.empty() || pid_ <= 0;
  };
  WaitFor(read, kSettleTimeoutMs, 20);
  return out;
}

std::vector<LoggedRequest> ImageServer::RequestsFor(const std::string& path) const {
  std::vector<LoggedRequest> out;
  for (const auto& r : Requests()) {
    if (r.path == path) {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace qc::itest
