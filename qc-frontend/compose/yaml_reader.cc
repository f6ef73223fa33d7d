#include "compose/yaml_reader.h"

#include <algorithm>
#include <map>

#include "compose/suggest.h"

namespace qc::compose {

SourcePos PosOf(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) {
    return {};
  }
  return {mark.line + 1, mark.column + 1};
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

std::string Where(const std::string& owner, const std::string& key) {
  return owner.empty() ? "'" + key + "'" : owner + ": '" + key + "'";
}

namespace {

bool Holds(const std::vector<YAML::Node>& nodes, const YAML::Node& node) {
  return std::any_of(nodes.begin(), nodes.end(), [&](const YAML::Node& n) { return n.is(node); });
}

}  // namespace

std::vector<Entry> Reader::Map(const YAML::Node& node, SourcePos pos, const std::string& owner,
                               const std::string& section,
                               const std::vector<std::string>* allowed) {
  MergeTrail trail;
  return Map(node, pos, owner, section, allowed, trail);
}

std::vector<Entry> Reader::Map(const YAML::Node& node, SourcePos pos, const std::string& owner,
                               const std::string& section, const std::vector<std::string>* allowed,
                               MergeTrail& trail) {
  std::vector<Entry> entries;
  if (node.IsNull()) {
    return entries;
  }
  if (!node.IsMap()) {
    const std::string what = owner.empty() ? "the top level" : owner;
    const std::string subject = section.empty() ? what : Where(owner, section);
    diag_.Error(pos, subject + " must be a mapping, got " + Describe(node));
    return entries;
  }
  trail.open.push_back(node);
  trail.done.push_back(node);
  std::map<std::string, SourcePos> seen;
  std::vector<YAML::Node> merges;  // "<<: *anchor" sources
  for (const auto& kv : node) {
    const SourcePos key_pos = PosOf(kv.first);
    if (!kv.first.IsScalar()) {
      diag_.Error(key_pos, "keys must be strings, got " + Describe(kv.first));
      continue;
    }
    const std::string key = kv.first.Scalar();
    if (auto it = seen.find(key); it != seen.end()) {
      diag_.Error(key_pos, "duplicate key '" + key + "' (first defined at line " +
                               std::to_string(it->second.line) + ")");
      continue;
    }
    seen.emplace(key, key_pos);
    if (key == "<<") {
      merges.push_back(kv.second);
      continue;
    }
    if (allowed != nullptr) {
      if (key.starts_with("x-")) {
        continue;
      }
      bool known = false;
      for (const std::string& a : *allowed) {
        known = known || a == key;
      }
      if (!known) {
        std::string message = owner.empty() ? "unknown top-level key '" : owner + ": unknown key '";
        message += key + "'";
        if (!section.empty()) {
          message += " in '" + section + "'";
        }
        diag_.Error(key_pos, message + DidYouMean(key, *allowed));
        continue;
      }
    }
    const YAML::Node value = kv.second;
    const SourcePos value_pos = value.IsNull() ? key_pos : PosOf(value);
    entries.push_back({key, value, key_pos, value_pos});
  }
  // YAML merge keys (yaml-cpp leaves them to us): keys written here win,
  // then earlier sources win over later ones.
  for (const YAML::Node& merge : merges) {
    std::vector<YAML::Node> sources;
    if (merge.IsSequence()) {
      for (const YAML::Node& source : merge) {
        sources.push_back(source);
      }
    } else {
      sources.push_back(merge);
    }
    for (const YAML::Node& source : sources) {
      if (!source.IsMap()) {
        diag_.Error(PosOf(source), "'<<' must merge a mapping, got " + Describe(source));
        continue;
      }
      if (Holds(trail.open, source)) {
        diag_.Error(PosOf(source), (owner.empty() ? "" : owner + ": ") +
                                       "'<<' cannot merge a mapping into itself (the alias points "
                                       "back to a mapping that contains it)");
        continue;
      }
      if (Holds(trail.done, source)) {
        continue;  // merged already: its keys are in `seen` or lost to earlier ones
      }
      for (Entry& merged : Map(source, PosOf(source), owner, section, allowed, trail)) {
        if (seen.emplace(merged.key, merged.key_pos).second) {
          entries.push_back(std::move(merged));
        }
      }
    }
  }
  trail.open.pop_back();
  return entries;
}

void Reader::TypeError(const Entry& entry, const std::string& owner, const std::string& expected) {
  diag_.Error(entry.value_pos,
              Where(owner, entry.key) + " must be " + expected + ", got " + Describe(entry.value));
}

std::optional<std::string> Reader::Expand(const std::string& text, SourcePos pos,
                                          const std::string& where) {
  if (text.find('$') == std::string::npos) {
    return text;
  }
  std::string out;
  std::string error;
  std::vector<std::string> unset;
  if (!Interpolate(text, env_, &out, &unset, &error)) {
    diag_.Error(pos, where + ": " + error);
    return std::nullopt;
  }
  for (const std::string& name : unset) {
    diag_.Warning(pos, "variable '" + name + "' is not set, using an empty string");
  }
  return out;
}

std::optional<std::string> Reader::String(const Entry& entry, const std::string& owner) {
  if (!entry.value.IsScalar()) {
    TypeError(entry, owner, "a string");
    return std::nullopt;
  }
  return Expand(entry.value.Scalar(), entry.value_pos, Where(owner, entry.key));
}

std::optional<std::vector<Item>> Reader::StringList(const Entry& entry, const std::string& owner) {
  std::vector<Item> items;
  if (entry.value.IsNull()) {
    return items;
  }
  if (!entry.value.IsSequence()) {
    TypeError(entry, owner, "a list of strings");
    return std::nullopt;
  }
  bool ok = true;
  for (const YAML::Node& element : entry.value) {
    const SourcePos pos = PosOf(element);
    if (!element.IsScalar()) {
      diag_.Error(pos,
                  Where(owner, entry.key) + " entries must be strings, got " + Describe(element));
      ok = false;
      continue;
    }
    std::optional<std::string> text = Expand(element.Scalar(), pos, Where(owner, entry.key));
    if (!text) {
      ok = false;
      continue;
    }
    items.push_back({*text, pos});
  }
  if (!ok) {
    return std::nullopt;
  }
  return items;
}

}  // namespace qc::compose
