// `pull` and the pulling `up` does first (--pull missing|always|never).
#include "cli/exit_codes.h"
#include "commands/commands.h"
#include "commands/context.h"
#include "commands/image_pull.h"
#include "images/byte_units.h"
#include "images/project_images.h"

namespace qc::commands {
namespace {

std::string ShortDigest(const images::Digest& d) {
  return std::string(images::AlgoName(d.algo)) + ":" + d.hex.substr(0, 12);
}

}  // namespace

int RunPull(const GlobalOptions& g, const PullOptions& o) {
  Context ctx;
  if (!LoadContext(g, &ctx)) {
    return cli::kExitBadCompose;
  }
  std::string err;
  std::vector<std::string> vms;
  if (!SelectVms(ctx, o.vms, &vms, &err)) {
    ctx.out.Error(err);
    return cli::kExitUsage;
  }
  std::vector<images::ProjectImage> list = images::ImagesOfVms(ctx.project, vms);
  std::vector<images::PulledImage> pulled;
  std::vector<bool> ok;
  std::vector<std::string> failures;
  images::PullProjectImages(list, o.force ? images::PullMode::kForce : images::PullMode::kRefresh,
                            images::ProgressStyleForStderr(o.quiet), &pulled, &ok, &failures);
  for (std::size_t i = 0; i < list.size() && !o.quiet; ++i) {
    if (!list[i].is_url) {
      ctx.out.Note(list[i].Label() + ": a local file, nothing to pull");
    } else if (ok[i]) {
      ctx.out.Ok(list[i].Label() + ": " + (pulled[i].downloaded ? "pulled" : "up to date") + " (" +
                 ShortDigest(pulled[i].digest) + ", " + images::FormatBytes(pulled[i].size) + ")");
    }
  }
  for (const auto& f : failures) {
    ctx.out.Error("pull " + f);
  }
  return failures.empty() ? cli::kExitOk : cli::kExitError;
}

bool PullImagesForUp(const Context& ctx, const std::vector<std::string>& vms,
                     const std::string& policy) {
  images::PullMode mode = policy == "always"  ? images::PullMode::kRefresh
                          : policy == "never" ? images::PullMode::kCacheOnly
                                              : images::PullMode::kIfMissing;
  std::vector<images::PulledImage> pulled;
  std::vector<bool> ok;
  std::vector<std::string> failures;
  images::PullProjectImages(images::ImagesOfVms(ctx.project, vms), mode,
                            images::ProgressStyleForStderr(ctx.out.json()), &pulled, &ok,
                            &failures);
  for (const auto& f : failures) {
    ctx.out.Error("pull " + f);
  }
  return failures.empty();
}

}  // namespace qc::commands
