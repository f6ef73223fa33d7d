#include "images/http_fetch.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

#include "images/byte_units.h"
#include "images/curl_api.h"
#include "images/image_url.h"

namespace qc::images {
namespace {

constexpr long kMaxRedirects = 10;
constexpr long kBufferBytes = 1L << 20;  // fewer, larger callbacks: less per-call overhead

struct Transfer {
  const CurlApi* api = nullptr;
  CURL* curl = nullptr;
  const FetchRequest* request = nullptr;
  FetchSink* sink = nullptr;
  FetchResponse* response = nullptr;
  bool file_scheme = false;
  bool begun = false;
  bool http_error = false;  // a non-2xx response: body not wanted
  bool sink_failed = false;
  std::string begin_error;
  std::uint64_t body_bytes = 0;
  std::string content_range;
};

bool StartsWithNoCase(std::string_view line, std::string_view prefix) {
  return line.size() >= prefix.size() &&
         strncasecmp(line.data(), prefix.data(), prefix.size()) == 0;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {  // a new response (after a redirect, or 100 Continue)
    t->response->validators = {};
    t->content_range.clear();
    std::size_t sp = line.find(' ');
    std::size_t sp2 = sp == std::string_view::npos ? sp : line.find(' ', sp + 1);
    t->response->reason = sp2 == std::string_view::npos ? "" : Trim(line.substr(sp2 + 1));
  } else if (StartsWithNoCase(line, "etag:")) {
    t->response->validators.etag = Trim(line.substr(5));
  } else if (StartsWithNoCase(line, "last-modified:")) {
    t->response->validators.last_modified = Trim(line.substr(14));
  } else if (StartsWithNoCase(line, "content-range:")) {
    t->content_range = Trim(line.substr(14));
  }
  return size * count;
}

// "bytes FIRST-LAST/TOTAL" (TOTAL may be '*').
bool ParseContentRange(const std::string& value, std::uint64_t* first, std::uint64_t* total) {
  unsigned long long a = 0;
  unsigned long long b = 0;
  unsigned long long c = 0;
  if (std::sscanf(value.c_str(), "bytes %llu-%llu/%llu", &a, &b, &c) == 3) {
    *first = a;
    *total = c;
    return b >= a && c > b;
  }
  if (std::sscanf(value.c_str(), "bytes %llu-%llu/*", &a, &b) == 2) {
    *first = a;
    *total = 0;
    return b >= a;
  }
  return false;
}

long StatusOf(Transfer* t) {
  long status = 0;
  t->api->easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->file_scheme && status == 0) {
    status = t->request->resume_from > 0 ? 206 : 200;
  }
  return status;
}

// Runs once, before the first body byte: decides whether the body is the
// image (200/206) and where in the resource it starts.
bool BeginBody(Transfer* t) {
  t->begun = true;
  FetchResponse& r = *t->response;
  r.status = StatusOf(t);
  if (r.status != 200 && r.status != 206) {
    t->http_error = true;
    return false;
  }
  curl_off_t length = -1;
  t->api->easy_getinfo(t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (t->file_scheme) {
    r.body_start = t->request->resume_from;
    r.total = length >= 0 ? r.body_start + static_cast<std::uint64_t>(length) : 0;
  } else if (r.status == 206) {
    if (!ParseContentRange(t->content_range, &r.body_start, &r.total)) {
      t->begin_error = "the server answered a range request with an invalid Content-Range '" +
                       t->content_range + "'";
      t->sink_failed = true;
      return false;
    }
  } else {
    r.body_start = 0;
    r.total = length >= 0 ? static_cast<std::uint64_t>(length) : 0;
  }
  if (!t->sink->Begin(r, &t->begin_error)) {
    t->sink_failed = true;
    return false;
  }
  return true;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (!t->begun && !BeginBody(t)) {
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  if (!t->sink->Write(data, bytes)) {
    t->sink_failed = true;
    return 0;
  }
  t->body_bytes += bytes;
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  static_cast<Transfer*>(user)->sink->Tick();
  return 0;
}

std::string HttpStatusLine(const FetchResponse& r) {
  return "HTTP " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason);
}

std::string Received(const Transfer& t) {
  std::string out = "after " + FormatBytes(t.response->body_start + t.body_bytes);
  if (t.response->total > 0) {
    out += " of " + FormatBytes(t.response->total);
  }
  return out;
}

std::string OsErrorOr(const Transfer& t, const char* errbuf, CURLcode rc) {
  long os_errno = 0;
  t.api->easy_getinfo(t.curl, CURLINFO_OS_ERRNO, &os_errno);
  if (os_errno != 0) {
    return std::strerror(static_cast<int>(os_errno));
  }
  return errbuf[0] != '\0' ? errbuf : t.api->easy_strerror(rc);
}

std::string Describe(const Transfer& t, CURLcode rc, const char* errbuf) {
  const UrlParts parts = SplitNormalizedUrl(t.request->url);
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return "cannot resolve host '" + parts.host + "'";
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "cannot resolve the proxy host (http_proxy/https_proxy)";
    case CURLE_COULDNT_CONNECT:
      return "cannot connect to " + parts.host + ": " + OsErrorOr(t, errbuf, rc);
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connect_us = 0;
      t.api->easy_getinfo(t.curl, CURLINFO_CONNECT_TIME_T, &connect_us);
      if (connect_us == 0) {
        return "timed out connecting to " + parts.host + " after " +
               std::to_string(t.request->timeout_s) + " s";
      }
      return "the server stalled: no data for " + std::to_string(t.request->timeout_s) + " s " +
             Received(t) + " (run the pull again to resume)";
    }
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "connection lost " + Received(t) + " (" + OsErrorOr(t, errbuf, rc) +
             "); run the pull again to resume";
    case CURLE_TOO_MANY_REDIRECTS:
      return "more than " + std::to_string(kMaxRedirects) + " redirects";
    case CURLE_UNSUPPORTED_PROTOCOL:
      return std::string("refused a redirect to another scheme (") + errbuf + ")";
    case CURLE_FILE_COULDNT_READ_FILE:
      return "cannot read " + parts.path;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return std::string("TLS: ") + (errbuf[0] != '\0' ? errbuf : t.api->easy_strerror(rc));
    default:
      return errbuf[0] != '\0' ? errbuf : t.api->easy_strerror(rc);
  }
}

}  // namespace

int PullTimeoutSeconds() {
  const char* text = std::getenv("QEMU_COMPOSE_PULL_TIMEOUT");
  if (text != nullptr) {
    char* end = nullptr;
    long v = std::strtol(text, &end, 10);
    if (end != text && *end == '\0' && v > 0 && v <= 3600) {
      return static_cast<int>(v);
    }
  }
  return 30;
}

FetchStatus Fetch(const FetchRequest& request, FetchSink* sink, FetchResponse* response,
                  std::uint64_t* body_bytes, std::string* error) {
  *response = FetchResponse{};
  Transfer t;
  t.api = Curl(error);
  if (t.api == nullptr) {
    return FetchStatus::kFailed;
  }
  const CurlApi& api = *t.api;
  t.request = &request;
  t.sink = sink;
  t.response = response;
  t.file_scheme = request.url.starts_with("file://");
  t.curl = api.easy_init();
  if (t.curl == nullptr) {
    *error = "cannot initialise libcurl";
    return FetchStatus::kFailed;
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  if (!request.if_range.empty()) {
    headers = api.slist_append(headers, ("If-Range: " + request.if_range).c_str());
  }
  // Revalidation. file:// has no request headers: curl compares the file's
  // time itself (CURLINFO_CONDITION_UNMET below).
  time_t file_since = 0;
  if (t.file_scheme && !request.if_changed.last_modified.empty()) {
    file_since = api.getdate(request.if_changed.last_modified.c_str(), nullptr);
  } else if (!t.file_scheme) {
    if (!request.if_changed.etag.empty()) {
      headers = api.slist_append(headers, ("If-None-Match: " + request.if_changed.etag).c_str());
    }
    if (!request.if_changed.last_modified.empty()) {
      headers = api.slist_append(
          headers, ("If-Modified-Since: " + request.if_changed.last_modified).c_str());
    }
  }
  const std::string range = std::to_string(request.resume_from) + "-";
  CURL* c = t.curl;
  api.easy_setopt(c, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  // Never from https down to http, never to file:// or anything else.
  api.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
                  request.url.starts_with("https://") ? "https" : "http,https");
  api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects);
  api.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  api.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(request.timeout_s));
  api.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  api.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.timeout_s));
  api.easy_setopt(c, CURLOPT_USERAGENT, "qemu-compose");
  api.easy_setopt(c, CURLOPT_BUFFERSIZE, kBufferBytes);
  api.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (file_since > 0) {
    api.easy_setopt(c, CURLOPT_TIMECONDITION, static_cast<long>(CURL_TIMECOND_IFMODSINCE));
    api.easy_setopt(c, CURLOPT_TIMEVALUE_LARGE, static_cast<curl_off_t>(file_since));
  }
  if (request.resume_from > 0) {
    // CURLOPT_RANGE, not RESUME_FROM: a 200 (the server ignored the range or
    // If-Range said the resource changed) must restart, not fail.
    api.easy_setopt(c, CURLOPT_RANGE, range.c_str());
  }
  api.easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  api.easy_setopt(c, CURLOPT_HEADERDATA, &t);
  api.easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  api.easy_setopt(c, CURLOPT_WRITEDATA, &t);
  api.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  api.easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  api.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

  CURLcode rc = api.easy_perform(c);
  FetchStatus status = FetchStatus::kFailed;
  long unmet = 0;
  api.easy_getinfo(c, CURLINFO_CONDITION_UNMET, &unmet);
  if (rc == CURLE_OK && !t.begun) {
    response->status = StatusOf(&t);
    if (response->status == 304 || unmet != 0) {
      status = FetchStatus::kNotModified;
    } else if (response->status == 416) {
      status = FetchStatus::kRangeNotSatisfiable;
    } else if ((response->status == 200 || response->status == 206) && BeginBody(&t)) {
      status = FetchStatus::kOk;  // an empty body
    } else if (t.sink_failed) {
      *error = t.begin_error.empty() ? sink->SinkError() : t.begin_error;
    } else {
      *error = HttpStatusLine(*response);
      status = FetchStatus::kHttpError;
    }
  } else if (rc == CURLE_OK) {
    status = FetchStatus::kOk;
  } else if (t.http_error) {
    if (response->status == 416) {
      status = FetchStatus::kRangeNotSatisfiable;
    } else {
      *error = HttpStatusLine(*response);
      status = FetchStatus::kHttpError;
    }
  } else if (t.sink_failed) {
    *error = t.begin_error.empty() ? sink->SinkError() : t.begin_error;
  } else {
    *error = Describe(t, rc, errbuf);
  }
  *body_bytes = t.body_bytes;
  api.slist_free_all(headers);
  api.easy_cleanup(c);
  return status;
}

}  // namespace qc::images
