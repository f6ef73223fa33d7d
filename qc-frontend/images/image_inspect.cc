#include "images/image_inspect.h"

#include <nlohmann/json.hpp>

#include "images/qemu_img.h"

namespace qc::images {

bool CheckQemuImgInfo(const std::string& json_text, const std::string& format, ImageFacts* facts,
                      std::string* reason) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception&) {
    *reason = "could not be read by qemu-img (no JSON)";
    return false;
  }
  if (!j.is_object() || j.value("format", "") != format) {
    *reason = "is not a " + format + " image according to qemu-img";
    return false;
  }
  for (const char* key : {"backing-filename", "full-backing-filename", "backing-filename-format"}) {
    if (j.contains(key)) {
      *reason = "has a backing file according to qemu-img";
      return false;
    }
  }
  const nlohmann::json specific = j.value("format-specific", nlohmann::json::object());
  const nlohmann::json data = specific.is_object()
                                  ? specific.value("data", nlohmann::json::object())
                                  : nlohmann::json::object();
  if (data.is_object() && (data.contains("data-file") || data.contains("data-file-raw"))) {
    *reason = "has an external data file according to qemu-img";
    return false;
  }
  if (data.is_object() && data.value("corrupt", false)) {
    *reason = "is marked corrupt";
    return false;
  }
  const nlohmann::json& size = j.contains("virtual-size") ? j["virtual-size"] : nlohmann::json();
  if (!size.is_number_unsigned() || size.get<std::uint64_t>() > kMaxVirtualSize) {
    *reason = "has an invalid or huge virtual size according to qemu-img";
    return false;
  }
  facts->virtual_size = size.get<std::uint64_t>();
  return true;
}

bool InspectImage(const std::string& path, ImageFacts* facts, std::string* reason) {
  if (!ReadImageFacts(path, facts, reason)) {
    return false;
  }
  // -U: a running VM may hold a lock on an image it boots from.
  QemuImgRun run = RunQemuImg({"info", "-U", "--output=json", "-f", facts->format, path});
  if (!run.ok) {
    *reason = "could not be read by qemu-img info (" + run.failure + ")";
    return false;
  }
  std::uint64_t header_size = facts->virtual_size;
  if (!CheckQemuImgInfo(run.out, facts->format, facts, reason)) {
    return false;
  }
  if (facts->virtual_size != header_size) {
    *reason = "has a virtual size qemu-img and the header disagree on";
    return false;
  }
  return true;
}

}  // namespace qc::images
