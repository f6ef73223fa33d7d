// Typed, interpolating access to yaml-cpp nodes. Every problem (wrong type,
// duplicate or unknown key, bad interpolation) goes to Diagnostics with its
// position; the readers then return nullopt/skip so parsing can go on and
// report everything in one run.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "compose/diagnostics.h"
#include "compose/interpolate.h"

namespace qc::compose {

// A mapping entry. Positions are 1-based; a null value points at its key.
struct Entry {
  std::string key;
  YAML::Node value;
  SourcePos key_pos;
  SourcePos value_pos;
};

// A string list item with where it came from.
struct Item {
  std::string text;
  SourcePos pos;
};

SourcePos PosOf(const YAML::Node& node);
// "a mapping", "a list", "nothing", or the scalar in quotes.
std::string Describe(const YAML::Node& node);

class Reader {
 public:
  Reader(Diagnostics& diag, const Environment& env) : diag_(diag), env_(env) {}

  // The entries of a mapping (null counts as empty). Duplicate keys are
  // reported and only the first is kept. With `allowed`, keys outside it
  // (other than "x-" extension keys, which are skipped) are reported with a
  // suggestion. YAML merge keys ("<<: *anchor") are applied. `owner` names
  // the enclosing object for messages ("" = top).
  std::vector<Entry> Map(const YAML::Node& node, SourcePos pos, const std::string& owner,
                         const std::string& section, const std::vector<std::string>* allowed);

  // A scalar, interpolated.
  std::optional<std::string> String(const Entry& entry, const std::string& owner);
  // A list of scalars, each interpolated (null counts as empty).
  std::optional<std::vector<Item>> StringList(const Entry& entry, const std::string& owner);

  // Interpolates `text` found at `pos`; reports errors and unset variables.
  std::optional<std::string> Expand(const std::string& text, SourcePos pos,
                                    const std::string& where);

  void TypeError(const Entry& entry, const std::string& owner, const std::string& expected);
  Diagnostics& diag() { return diag_; }

 private:
  // The maps a Map call has reached through merge keys: aliases can make a
  // mapping merge itself, or the same anchor merged twice at every level
  // (exponential work and errors), so each is read at most once.
  struct MergeTrail {
    std::vector<YAML::Node> open;  // the mapping being read and its merge ancestors
    std::vector<YAML::Node> done;  // every mapping already read
  };
  std::vector<Entry> Map(const YAML::Node& node, SourcePos pos, const std::string& owner,
                         const std::string& section, const std::vector<std::string>* allowed,
                         MergeTrail& trail);

  Diagnostics& diag_;
  const Environment& env_;
};

// "'key'" at top level, "vm 'web': 'key'" inside something.
std::string Where(const std::string& owner, const std::string& key);

}  // namespace qc::compose
