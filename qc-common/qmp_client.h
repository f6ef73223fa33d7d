// Minimal QMP (QEMU Machine Protocol) client over a unix socket. Shared by
// the frontend (stop, status) and the tests. Every call is bounded by a
// timeout; a missing, dead or silent socket is reported as an error, never
// waited on forever.
#pragma once

#include <string>

namespace qc {

class QmpClient {
 public:
  // Timeout applied to connect and to every command (greeting included).
  explicit QmpClient(int timeout_ms = 5000) : timeout_ms_(timeout_ms) {}
  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  // Connects, reads the greeting and negotiates capabilities
  // (qmp_capabilities). False + err on any failure.
  bool Connect(const std::string& socket_path, std::string* err);
  void Close();
  bool connected() const { return fd_ >= 0; }
  void set_timeout_ms(int ms) { timeout_ms_ = ms; }

  // "running", "paused", "shutdown", "prelaunch", ... (QMP RunState).
  bool QueryStatus(std::string* status, std::string* err);
  // Presses the ACPI power button; the guest decides what to do with it.
  bool SystemPowerdown(std::string* err);
  // Ends QEMU at once. QEMU closing the socket after the command counts as
  // success.
  bool Quit(std::string* err);

  // Sends {"execute": command} and waits for its "return" (skipping async
  // events). On success *reply_line (if non-null) holds the raw reply line.
  bool Execute(const std::string& command, std::string* reply_line, std::string* err);

 private:
  // Reads one '\n'-terminated line before the deadline.
  bool ReadLine(long long deadline_ms, std::string* line, std::string* err);
  bool SendLine(const std::string& line, long long deadline_ms, std::string* err);

  int fd_ = -1;
  int timeout_ms_;
  std::string pending_;       // bytes received after the last complete line
  bool peer_closed_ = false;  // QEMU closed its end (expected after quit)
};

}  // namespace qc
