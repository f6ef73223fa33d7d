#include "images/project_images.h"

#include "images/cache_layout.h"
#include "images/image_url.h"

namespace qc::images {

std::string ProjectImage::Label() const {
  std::string out;
  for (const auto& vm : vms) {
    out += (out.empty() ? "" : ", ") + vm;
  }
  std::string path = is_url ? SplitNormalizedUrl(image).path : image;
  std::string base = path.substr(path.find_last_of('/') + 1);
  return out + ": " + (base.empty() ? image : base);
}

std::vector<ProjectImage> ImagesOfVms(const compose::Project& project,
                                      const std::vector<std::string>& vms) {
  std::vector<ProjectImage> out;
  for (const auto& name : vms) {
    const compose::Vm& vm = project.vms.at(name);
    if (vm.image.empty()) {
      continue;
    }
    bool found = false;
    for (auto& img : out) {
      if (img.image == vm.image && img.digest == vm.image_digest) {
        img.vms.push_back(name);
        found = true;
      }
    }
    if (!found) {
      out.push_back(ProjectImage{{name}, vm.image, vm.image_digest, LooksLikeUrl(vm.image)});
    }
  }
  return out;
}

void PullProjectImages(const std::vector<ProjectImage>& images, PullMode mode, ProgressStyle style,
                       std::vector<PulledImage>* pulled, std::vector<bool>* ok,
                       std::vector<std::string>* failures) {
  pulled->assign(images.size(), PulledImage{});
  ok->assign(images.size(), false);
  std::string error;
  std::optional<CacheLayout> cache;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const ProjectImage& img = images[i];
    if (!img.is_url) {
      continue;
    }
    if (!cache && !(cache = CacheLayout::ForUser(&error))) {
      failures->push_back(error);
      return;
    }
    PullRequest req;
    req.url = img.image;
    req.mode = mode;
    req.label = img.Label();
    req.style = style;
    if (!img.digest.empty()) {
      req.want = ParseDigest(img.digest, &error);  // checked by the compose parser
    }
    if (PullImage(*cache, req, &(*pulled)[i], &error)) {
      (*ok)[i] = true;
    } else {
      std::string who = img.Label();
      failures->push_back(who.substr(0, who.find(':')) + ": " + img.image + ": " + error);
    }
  }
}

}  // namespace qc::images
