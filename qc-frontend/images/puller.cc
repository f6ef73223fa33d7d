#include "images/puller.h"

#include <ctime>

#include "images/cache_entry.h"
#include "images/download.h"
#include "images/image_inspect.h"
#include "images/url_lock.h"
#include "state/atomic_file.h"

namespace qc::images {
namespace {

void FillFromEntry(const CacheMeta& meta, const std::string& data_path, const Digest& digest,
                   PulledImage* out) {
  out->path = data_path;
  out->format = meta.format;
  out->digest = digest;
  out->size = meta.size;
  out->virtual_size = meta.virtual_size;
  out->downloaded = false;
}

// Downloads, inspects and commits. Called with the URL's lock held.
bool FetchIntoCache(const CacheLayout& cache, const std::string& key, const PullRequest& req,
                    const Validators& if_changed, const CacheMeta* cached,
                    const std::string& cached_path, PulledImage* out, std::string* error) {
  PullProgress progress(req.style, req.label);
  DownloadRequest dl;
  dl.url = req.url;
  dl.partial = cache.Partial(key);
  dl.partial_meta = cache.PartialMeta(key);
  dl.want = req.want;
  dl.if_changed = if_changed;
  dl.progress = &progress;
  DownloadResult result;
  DownloadOutcome outcome = Download(dl, &result, error);
  if (outcome == DownloadOutcome::kNotModified && cached != nullptr) {
    FillFromEntry(*cached, cached_path, cached->Primary(), out);
    return true;
  }
  if (outcome != DownloadOutcome::kDone) {
    if (outcome == DownloadOutcome::kNotModified) {
      *error = "the server answered 304 Not Modified to a plain request";
    }
    return false;
  }
  ImageFacts facts;
  std::string reason;
  if (!InspectImage(dl.partial, &facts, &reason)) {
    DiscardPartial(dl.partial, dl.partial_meta);
    *error = "refused: the image " + reason + "; nothing was cached";
    return false;
  }
  CacheMeta meta;
  meta.url = req.url;
  meta.data = DataFileName(result.digest);
  meta.digests[AlgoName(result.digest.algo)] = result.digest.hex;
  meta.size = result.size;
  meta.format = facts.format;
  meta.virtual_size = facts.virtual_size;
  meta.validators = result.validators;
  meta.pulled_at = static_cast<std::int64_t>(std::time(nullptr));
  if (!CommitEntry(cache, key, dl.partial, meta, error)) {
    return false;
  }
  DiscardPartial(dl.partial, dl.partial_meta);  // only .partial.json is left by now
  FillFromEntry(meta, cache.EntryDir(key) + "/" + meta.data, result.digest, out);
  out->downloaded = true;
  return true;
}

}  // namespace

bool PullImage(const CacheLayout& cache, const PullRequest& req, PulledImage* out,
               std::string* error) {
  if (!state::MakeDirs(cache.root, error)) {
    return false;
  }
  const std::string key = CacheLayout::KeyOf(req.url);
  UrlLock lock;
  bool waited = false;
  PullProgress notes(req.style, req.label);
  if (!lock.Acquire(
          cache.Lock(key), [&] { notes.Note(req.label + ": waiting for another pull of it"); },
          &waited, error)) {
    return false;
  }
  CacheMeta meta;
  std::string data_path;
  const bool cached = LoadEntry(cache, key, &meta, &data_path);
  if (!cached && req.mode == PullMode::kCacheOnly) {
    *error = "not in the image cache (run `qemu-compose pull`, or `up --pull missing`)";
    return false;
  }
  if (cached && req.mode != PullMode::kForce) {
    if (req.want) {
      std::optional<Digest> have = meta.DigestFor(req.want->algo);
      if (!have && !AddDigest(cache, key, req.want->algo, &meta, error)) {
        return false;
      }
      have = meta.DigestFor(req.want->algo);
      if (*have == *req.want) {
        FillFromEntry(meta, data_path, *have, out);
        return true;  // pinned by its digest: no request at all
      }
      if (req.mode == PullMode::kCacheOnly) {
        *error = "the cached copy has digest " + have->ToString() + ", not " +
                 req.want->ToString() + " (pull it again)";
        return false;
      }
      notes.Note(req.label + ": the cached copy has another digest; downloading it again");
    } else if (req.mode != PullMode::kRefresh || waited) {
      FillFromEntry(meta, data_path, meta.Primary(), out);
      return true;  // up --pull missing, or another command just pulled it
    } else if (meta.validators.empty()) {
      notes.Note(req.label +
                 ": the server gave no ETag or Last-Modified to check it against; using the "
                 "cached copy (pull --force downloads it again)");
      FillFromEntry(meta, data_path, meta.Primary(), out);
      return true;
    } else {
      std::string fetch_error;
      if (FetchIntoCache(cache, key, req, meta.validators, &meta, data_path, out, &fetch_error)) {
        return true;
      }
      // Offline or the server is unwell: the cached copy still works.
      notes.Note(req.label + ": could not check for a newer version (" + fetch_error +
                 "); using the cached copy");
      FillFromEntry(meta, data_path, meta.Primary(), out);
      return true;
    }
  }
  return FetchIntoCache(cache, key, req, Validators{}, nullptr, "", out, error);
}

}  // namespace qc::images
