// One GET through libcurl (http, https, file): redirects followed (to http
// and https only), proxies from http_proxy/https_proxy/no_proxy, TLS
// verification always on, a connect timeout and a stall timeout. The body
// goes to a sink as it arrives; errors come back as one readable line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "images/cache_meta.h"

namespace qc::images {

struct FetchRequest {
  std::string url;
  std::uint64_t resume_from = 0;  // > 0: ask for the bytes from here on (Range)
  std::string if_range;           // with resume_from: only if still this version
  Validators if_changed;          // revalidation: If-None-Match / If-Modified-Since
  int timeout_s = 30;             // to connect, and with no byte received
};

struct FetchResponse {
  long status = 0;               // HTTP status; 200 for a file:// read
  std::string reason;            // "Not Found"
  Validators validators;         // of the final response
  std::uint64_t body_start = 0;  // offset of the first body byte in the resource
  std::uint64_t total = 0;       // whole resource size, 0 if unknown
};

class FetchSink {
 public:
  virtual ~FetchSink() = default;
  // Once, before the first body byte of a 200/206 response. false aborts.
  virtual bool Begin(const FetchResponse& response, std::string* error) = 0;
  // Body bytes, in order. false aborts (error set by the sink).
  virtual bool Write(const char* data, std::size_t size) = 0;
  // Called often (also while stalled) to redraw progress.
  virtual void Tick() {}
  virtual std::string SinkError() const = 0;
};

enum class FetchStatus {
  kOk,           // 200/206, body delivered
  kNotModified,  // 304
  kRangeNotSatisfiable,
  kHttpError,  // another status; *error is "HTTP 404 Not Found"
  kFailed,     // no usable response; *error says why, in one line
};

// Seconds for connect and stall timeouts: $QEMU_COMPOSE_PULL_TIMEOUT, else 30.
int PullTimeoutSeconds();

FetchStatus Fetch(const FetchRequest& request, FetchSink* sink, FetchResponse* response,
                  std::uint64_t* body_bytes, std::string* error);

}  // namespace qc::images
