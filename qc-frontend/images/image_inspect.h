// The full safety check of an image before anything boots from it: our own
// header reading (image_format.h) first, so that a hostile header never
// reaches QEMU; then `qemu-img info --output=json` with the format given
// (never probed), under CPU, memory and time limits, as a second opinion.
#pragma once

#include <string>

#include "images/image_format.h"

namespace qc::images {

// false + *reason ("has a backing file '/etc/shadow' (...)") if refused.
bool InspectImage(const std::string& path, ImageFacts* facts, std::string* reason);

// Checks qemu-img's JSON for one image against what we expect; exposed for
// tests. false + *reason on anything that is not a plain self-contained
// image of that format.
bool CheckQemuImgInfo(const std::string& json_text, const std::string& format, ImageFacts* facts,
                      std::string* reason);

}  // namespace qc::images
