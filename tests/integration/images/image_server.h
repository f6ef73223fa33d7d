// The image tests' HTTP server (http_server.py) in the test's network
// namespace, the files it serves, and its request log.
#pragma once

#include <string>
#include <vector>

#include "harness.h"

namespace qc::itest {

struct LoggedRequest {
  std::string method, path, range, if_range, if_none_match;
  int status = 0;
  long long bytes = 0;
};

class ImageServer {
 public:
  // Serves a fresh root-owned directory on 127.0.0.1:8080 (and HTTPS with a
  // self-signed certificate on 8443) inside ns; /slow/ at rate bytes/s.
  ImageServer(const Netns& ns, long rate = 1 << 20);
  ~ImageServer();
  ImageServer(const ImageServer&) = delete;
  ImageServer& operator=(const ImageServer&) = delete;

  bool Started() const { return started_; }
  std::string StartupLog() const;
  void Stop();  // the server is gone: no network for the next commands

  const std::string& dir() const { return dir_; }  // files served as /files/NAME
  static std::string Url(const std::string& path) { return "http://127.0.0.1:8080/" + path; }
  // A file of `bytes` random bytes (a raw image); returns its sha256 hex.
  std::string AddRandom(const std::string& name, long bytes) const;
  // Runs `sh` as root in the served directory (qemu-img, printf, ...).
  CmdResult Shell(const std::string& sh) const;
  std::string Sha(const std::string& name, const std::string& algo = "sha256") const;

  // Every request that has ended, once none is still in flight (waits up
  // to 15 s for that, so a count taken right after a client exits is whole).
  std::vector<LoggedRequest> Requests() const;
  // Requests for exactly this path.
  std::vector<LoggedRequest> RequestsFor(const std::string& path) const;

 private:
  const Netns& ns_;
  std::string dir_;
  std::string log_;
  pid_t pid_ = -1;
  bool started_ = false;
};

}  // namespace qc::itest
