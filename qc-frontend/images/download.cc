#include "images/download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "images/hasher.h"
#include "images/http_fetch.h"
#include "state/atomic_file.h"

namespace qc::images {
namespace {

// Start writeback this often so the final fsync has little left to do.
constexpr std::uint64_t kWritebackStep = 32ULL << 20;

// The body of one response, into the partial file and the hasher.
class PartialSink : public FetchSink {
 public:
  PartialSink(const DownloadRequest& req, int fd, std::uint64_t resume_from)
      : req_(req), fd_(fd), resume_from_(resume_from), hasher_(Algo(req)) {}

  bool Begin(const FetchResponse& r, std::string* error) override {
    if (r.body_start != 0 && r.body_start != resume_from_) {
      *error = "the server resumed at byte " + std::to_string(r.body_start) + ", not at " +
               std::to_string(resume_from_);
      return false;
    }
    // A 200 to a range request: the server ignored it or the resource
    // changed (If-Range); start over.
    offset_ = r.body_start;
    if (ftruncate(fd_, static_cast<off_t>(offset_)) != 0) {
      *error = std::string("cannot truncate the download: ") + std::strerror(errno);
      return false;
    }
    if (offset_ > 0 && !HashPrefix(fd_, offset_, &hasher_, error)) {
      return false;
    }
    synced_ = offset_;
    PartialMeta pm{req_.url, r.validators, r.total};
    std::string meta_error;
    if (!state::WriteFileAtomic(req_.partial_meta, ToJson(pm), &meta_error)) {
      *error = meta_error;
      return false;
    }
    response_ = r;
    begun_ = true;
    req_.progress->Start(offset_, r.total);
    return true;
  }

  bool Write(const char* data, std::size_t size) override {
    hasher_.Update(data, size);
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(offset_));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        error_ = std::string("cannot write to the image cache: ") + std::strerror(errno);
        return false;
      }
      done += static_cast<std::size_t>(n);
      offset_ += static_cast<std::uint64_t>(n);
    }
    if (offset_ - synced_ >= kWritebackStep) {
      (void)sync_file_range(fd_, static_cast<off_t>(synced_), static_cast<off_t>(offset_ - synced_),
                            SYNC_FILE_RANGE_WRITE);
      synced_ = offset_;
    }
    req_.progress->Update(offset_);
    return true;
  }

  void Tick() override {
    if (begun_) {
      req_.progress->Update(offset_);
    }
  }
  std::string SinkError() const override { return error_; }

  bool begun() const { return begun_; }
  std::uint64_t offset() const { return offset_; }
  const FetchResponse& response() const { return response_; }
  Digest Finish() { return hasher_.Finish(); }

 private:
  static DigestAlgo Algo(const DownloadRequest& req) {
    return req.want ? req.want->algo : DigestAlgo::kSha256;
  }

  const DownloadRequest& req_;
  int fd_;
  std::uint64_t resume_from_;
  Hasher hasher_;
  std::uint64_t offset_ = 0;
  std::uint64_t synced_ = 0;
  bool begun_ = false;
  FetchResponse response_;
  std::string error_;
};

// Where to resume, and the If-Range validator: only when the partial bytes
// can be tied to one version of the resource (a strong ETag or a
// Last-Modified date), or when a digest will catch a mix of versions.
std::uint64_t ResumePoint(const DownloadRequest& req, std::string* if_range) {
  struct stat st {};
  if (stat(req.partial.c_str(), &st) != 0 || st.st_size <= 0) {
    return 0;
  }
  std::string text;
  std::string ignored;
  PartialMeta pm;
  if (!state::ReadWholeFile(req.partial_meta, &text, &ignored) || !FromJson(text, &pm, &ignored) ||
      pm.url != req.url) {
    return 0;
  }
  if (!pm.validators.etag.empty() && !pm.validators.etag.starts_with("W/")) {
    *if_range = pm.validators.etag;
  } else if (!pm.validators.last_modified.empty()) {
    *if_range = pm.validators.last_modified;
  } else if (!req.want) {
    return 0;
  }
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

void DiscardPartial(const std::string& partial, const std::string& partial_meta) {
  unlink(partial.c_str());
  unlink(partial_meta.c_str());
}

DownloadOutcome Download(const DownloadRequest& req, DownloadResult* result, std::string* error) {
  FetchRequest fetch;
  fetch.url = req.url;
  fetch.timeout_s = PullTimeoutSeconds();
  fetch.if_changed = req.if_changed;
  if (req.if_changed.empty()) {
    fetch.resume_from = ResumePoint(req, &fetch.if_range);
  }
  // A revalidation that finds a new version replaces any old partial.
  int fd = open(req.partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    *error = "cannot create " + req.partial + ": " + std::strerror(errno);
    return DownloadOutcome::kFailed;
  }
  for (int attempt = 0;; ++attempt) {
    PartialSink sink(req, fd, fetch.resume_from);
    FetchResponse response;
    std::uint64_t body = 0;
    FetchStatus status = Fetch(fetch, &sink, &response, &body, error);
    if (status == FetchStatus::kRangeNotSatisfiable && fetch.resume_from > 0 && attempt == 0) {
      fetch.resume_from = 0;  // the partial is stale; start over once
      fetch.if_range.clear();
      continue;
    }
    if (status == FetchStatus::kNotModified) {
      close(fd);
      return DownloadOutcome::kNotModified;
    }
    if (status == FetchStatus::kRangeNotSatisfiable) {
      *error = "HTTP 416 Range Not Satisfiable";
      status = FetchStatus::kFailed;
    }
    if (status == FetchStatus::kOk && sink.response().total > 0 &&
        sink.offset() != sink.response().total) {
      *error = "the transfer ended after " + std::to_string(sink.offset()) + " of " +
               std::to_string(sink.response().total) + " bytes";
      status = FetchStatus::kFailed;
    }
    if (status != FetchStatus::kOk) {
      req.progress->Abandon();
      close(fd);
      // Kept for a resume unless the server says the resource is gone or
      // forbidden, or nothing arrived yet.
      struct stat st {};
      bool empty = stat(req.partial.c_str(), &st) != 0 || st.st_size == 0;
      bool refused =
          status == FetchStatus::kHttpError && response.status >= 400 && response.status < 500;
      if (empty || refused) {
        DiscardPartial(req.partial, req.partial_meta);
      }
      return DownloadOutcome::kFailed;
    }
    if (fsync(fd) != 0) {
      *error = std::string("cannot write to the image cache: ") + std::strerror(errno);
      close(fd);
      return DownloadOutcome::kFailed;
    }
    close(fd);
    result->digest = sink.Finish();
    result->size = sink.offset();
    result->validators = sink.response().validators;
    result->resumed = sink.response().body_start > 0;
    req.progress->Done();
    if (req.want && result->digest != *req.want) {
      DiscardPartial(req.partial, req.partial_meta);
      *error = "digest mismatch: expected " + req.want->ToString() + ", got " +
               result->digest.ToString() + "; nothing was cached";
      return DownloadOutcome::kFailed;
    }
    return DownloadOutcome::kDone;
  }
}

}  // namespace qc::images
