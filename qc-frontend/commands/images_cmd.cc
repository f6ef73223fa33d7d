// `images` (the project's) and `image ls|rm|prune` (the whole cache).
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/exit_codes.h"
#include "cli/table.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "images/byte_units.h"
#include "images/cache_admin.h"
#include "images/cache_entry.h"
#include "images/project_images.h"

namespace qc::commands {
namespace {

using nlohmann::json;

std::string Date(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  (void)std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::optional<images::CacheLayout> Cache(const cli::Output& out) {
  std::string err;
  std::optional<images::CacheLayout> cache = images::CacheLayout::ForUser(&err);
  if (!cache) {
    out.Error(err);
  }
  return cache;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

}  // namespace

int RunImages(const GlobalOptions& g) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  std::optional<images::CacheLayout> cache = Cache(ctx.out);
  if (!cache) {
    return cli::kExitError;
  }
  std::vector<std::string> vms;
  std::string err;
  SelectVms(ctx, {}, &vms, &err);
  json arr = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const images::ProjectImage& img : images::ImagesOfVms(ctx.project, vms)) {
    std::string digest = img.digest;
    std::string path;
    std::uint64_t size = 0;
    bool present = false;
    if (img.is_url) {
      images::CacheMeta meta;
      std::string key = images::CacheLayout::KeyOf(img.image);
      if (images::LoadEntry(*cache, key, &meta, &path)) {
        present = true;
        size = meta.size;
        digest = digest.empty() ? meta.Primary().ToString() : digest;
      } else {
        path.clear();
      }
    } else {
      std::error_code ec;
      size = std::filesystem::file_size(img.image, ec);
      present = !ec;
      path = img.image;
    }
    for (const auto& vm : img.vms) {
      arr.push_back({{"vm", vm},
                     {"image", img.image},
                     {"digest", digest},
                     {"cached", present},
                     {"size", size},
                     {"path", path}});
      rows.push_back({vm, img.image, digest.empty() ? "-" : digest.substr(0, 19),
                      present ? images::FormatBytes(size) : "-",
                      present ? path : (img.is_url ? "(not pulled)" : "(missing)")});
    }
  }
  if (ctx.out.json()) {
    ctx.out.Data(arr.dump(2) + "\n");
  } else {
    ctx.out.Data(cli::RenderTable({"VM", "IMAGE", "DIGEST", "SIZE", "PATH"}, rows));
  }
  return cli::kExitOk;
}

int RunImageLs(const GlobalOptions& g) {
  cli::Output out(g.format == "json", g.debug);
  std::optional<images::CacheLayout> cache = Cache(out);
  if (!cache) {
    return cli::kExitError;
  }
  json arr = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const images::CachedImage& c : images::ListCache(*cache)) {
    json digests = json::object();
    for (const auto& [algo, hex] : c.meta.digests) {
      digests[algo] = hex;
    }
    arr.push_back({{"url", c.meta.url},
                   {"digests", digests},
                   {"format", c.meta.format},
                   {"size", c.meta.size},
                   {"virtual_size", c.meta.virtual_size},
                   {"disk_usage", c.disk_bytes},
                   {"pulled_at", c.meta.pulled_at},
                   {"path", c.data_path},
                   {"used_by", c.users}});
    rows.push_back({c.meta.url, c.meta.Primary().ToString().substr(0, 19), c.meta.format,
                    images::FormatBytes(c.disk_bytes), Date(c.meta.pulled_at),
                    std::to_string(c.users.size())});
  }
  if (out.json()) {
    out.Data(arr.dump(2) + "\n");
  } else {
    out.Data(
        cli::RenderTable({"URL", "DIGEST", "FORMAT", "SIZE", "PULLED (UTC)", "USED BY"}, rows));
  }
  return cli::kExitOk;
}

int RunImageRm(const GlobalOptions& g, const std::vector<std::string>& targets, bool force) {
  cli::Output out(false, g.debug);
  std::optional<images::CacheLayout> cache = Cache(out);
  if (!cache) {
    return cli::kExitError;
  }
  std::vector<images::CachedImage> cached = images::ListCache(*cache);
  int rc = cli::kExitOk;
  for (const std::string& target : targets) {
    std::vector<std::string> keys;
    std::string err;
    if (!images::MatchCached(cached, target, &keys, &err)) {
      out.Error(err);
      rc = cli::kExitError;
      continue;
    }
    for (const auto& c : cached) {
      if (c.key != keys.front()) {
        continue;
      }
      std::uint64_t freed = 0;
      if (!images::RemoveCached(*cache, c, force, &freed, &err)) {
        out.Error(err);
        rc = cli::kExitError;
      } else {
        out.Ok("removed " + c.meta.url + " (" + images::FormatBytes(freed) + ")" +
               (c.users.empty() ? "" : "; still used by " + Join(c.users)));
      }
    }
  }
  return rc;
}

int RunImagePrune(const GlobalOptions& g) {
  cli::Output out(false, g.debug);
  std::optional<images::CacheLayout> cache = Cache(out);
  if (!cache) {
    return cli::kExitError;
  }
  images::PruneResult r = images::PruneCache(*cache);
  for (const auto& url : r.removed) {
    out.Ok("removed " + url);
  }
  out.Note("reclaimed " + images::FormatBytes(r.freed));
  return cli::kExitOk;
}

}  // namespace qc::commands
