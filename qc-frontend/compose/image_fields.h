// A VM's `image:` (URL or local path) and `image_digest:` keys.
#pragma once

#include "compose/model.h"
#include "compose/vm_parser.h"
#include "compose/yaml_reader.h"

namespace qc::compose {

// `image:`: an http(s)/file URL (checked and normalised) or a path resolved
// against the compose file's directory. Sets vm->image; false if invalid
// or empty (the error is reported).
bool ReadImage(Reader& reader, const Entry& field, const std::string& owner,
               const PathContext& paths, Vm* vm);
// `image_digest:`: "sha256:<hex>" or "sha512:<hex>".
void ReadImageDigest(Reader& reader, const Entry& field, const std::string& owner, Vm* vm);

}  // namespace qc::compose
