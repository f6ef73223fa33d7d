#include "compose/image_fields.h"

#include "images/image_digest.h"
#include "images/image_url.h"

namespace qc::compose {

bool ReadImage(Reader& reader, const Entry& field, const std::string& owner,
               const PathContext& paths, Vm* vm) {
  std::optional<std::string> text = reader.String(field, owner);
  if (!text) {
    return false;
  }
  if (text->empty()) {
    reader.diag().Error(field.value_pos,
                        Where(owner, field.key) + " must not be empty (a URL or a file path)");
    return false;
  }
  if (!images::LooksLikeUrl(*text)) {
    vm->image = ResolvePath(paths, *text);
    return true;
  }
  std::string error;
  std::optional<std::string> url = images::NormalizeImageUrl(*text, &error);
  if (!url) {
    reader.diag().Error(field.value_pos, Where(owner, field.key) + ": " + error);
    return false;
  }
  vm->image = *url;
  return true;
}

void ReadImageDigest(Reader& reader, const Entry& field, const std::string& owner, Vm* vm) {
  std::optional<std::string> text = reader.String(field, owner);
  if (!text) {
    return;
  }
  std::string error;
  std::optional<images::Digest> digest = images::ParseDigest(*text, &error);
  if (!digest) {
    reader.diag().Error(field.value_pos, Where(owner, field.key) + ": " + error);
    return;
  }
  vm->image_digest = digest->ToString();
}

}  // namespace qc::compose
