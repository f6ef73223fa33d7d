#include "images/cache_meta.h"

#include <nlohmann/json.hpp>

#include "state/atomic_file.h"

namespace qc::images {
namespace {

using nlohmann::json;

json ValidatorsJson(const Validators& v) {
  return json{{"etag", v.etag}, {"last_modified", v.last_modified}};
}

Validators ValidatorsFrom(const json& j) {
  Validators v;
  if (j.is_object()) {
    v.etag = j.value("etag", "");
    v.last_modified = j.value("last_modified", "");
  }
  return v;
}

}  // namespace

std::optional<Digest> CacheMeta::DigestFor(DigestAlgo algo) const {
  auto it = digests.find(AlgoName(algo));
  if (it == digests.end()) {
    return std::nullopt;
  }
  return Digest{algo, it->second};
}

Digest CacheMeta::Primary() const {
  if (auto d = DigestFor(DigestAlgo::kSha256)) {
    return *d;
  }
  return DigestFor(DigestAlgo::kSha512).value_or(Digest{});
}

std::string ToJson(const CacheMeta& m) {
  json j{{"url", m.url},
         {"data", m.data},
         {"digests", m.digests},
         {"size", m.size},
         {"format", m.format},
         {"virtual_size", m.virtual_size},
         {"validators", ValidatorsJson(m.validators)},
         {"pulled_at", m.pulled_at}};
  return j.dump(2) + "\n";
}

std::string ToJson(const PartialMeta& m) {
  json j{{"url", m.url}, {"validators", ValidatorsJson(m.validators)}, {"total", m.total}};
  return j.dump(2) + "\n";
}

bool FromJson(const std::string& text, CacheMeta* m, std::string* error) {
  try {
    json j = json::parse(text);
    m->url = j.at("url").get<std::string>();
    m->data = j.at("data").get<std::string>();
    m->digests = j.at("digests").get<std::map<std::string, std::string>>();
    m->size = j.at("size").get<std::uint64_t>();
    m->format = j.at("format").get<std::string>();
    m->virtual_size = j.value("virtual_size", std::uint64_t{0});
    m->validators = ValidatorsFrom(j.value("validators", json::object()));
    m->pulled_at = j.value("pulled_at", std::int64_t{0});
  } catch (const json::exception& e) {
    *error = std::string("invalid cache metadata: ") + e.what();
    return false;
  }
  // The data name is joined to the entry's path: a name with '/' would point
  // outside it.
  if (m->data.empty() || m->data.find('/') != std::string::npos || m->data[0] == '.' ||
      (m->format != "qcow2" && m->format != "raw") || m->digests.empty()) {
    *error = "invalid cache metadata";
    return false;
  }
  return true;
}

bool FromJson(const std::string& text, PartialMeta* m, std::string* error) {
  try {
    json j = json::parse(text);
    m->url = j.at("url").get<std::string>();
    m->validators = ValidatorsFrom(j.value("validators", json::object()));
    m->total = j.value("total", std::uint64_t{0});
  } catch (const json::exception& e) {
    *error = std::string("invalid partial-download metadata: ") + e.what();
    return false;
  }
  return true;
}

bool ReadCacheMeta(const std::string& path, CacheMeta* m, std::string* error) {
  std::string text;
  return state::ReadWholeFile(path, &text, error) && FromJson(text, m, error);
}

}  // namespace qc::images
