// A project's images as the commands see them: which VMs use which image,
// pulling the URLs among them, and where each one is in the cache.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"
#include "images/puller.h"

namespace qc::images {

// One distinct image (URL or local path, with its digest) and the VMs that
// use it, in the order the VMs are given.
struct ProjectImage {
  std::vector<std::string> vms;
  std::string image;   // normalised URL or absolute path
  std::string digest;  // image_digest or ""
  bool is_url = false;
  std::string Label() const;  // "web, db: debian-12.qcow2"
};

std::vector<ProjectImage> ImagesOfVms(const compose::Project& project,
                                      const std::vector<std::string>& vms);

// Pulls each URL image once (local files are left alone). Every failure is
// one line in *failures ("web: https://h/x.qcow2: HTTP 404 Not Found");
// pulled[i] is filled for images[i] when it is a URL that succeeded.
void PullProjectImages(const std::vector<ProjectImage>& images, PullMode mode, ProgressStyle style,
                       std::vector<PulledImage>* pulled, std::vector<bool>* ok,
                       std::vector<std::string>* failures);

}  // namespace qc::images
