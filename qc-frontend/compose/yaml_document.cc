#include "compose/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string_view>

namespace qc::compose {
namespace {

// Remembers where a document's root node is and whether it is null; ignores
// everything else.
class RootProbe : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { Root(mark, true); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { Root(mark, false); }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {
    Root(mark, false);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {
    Root(mark, false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {
    Root(mark, false);
  }
  void OnMapEnd() override {}

  bool seen = false;
  bool null_root = true;
  SourcePos pos;

 private:
  void Root(const YAML::Mark& mark, bool null) {
    if (!seen) {
      seen = true;
      null_root = null;
      pos = {mark.line + 1, mark.column + 1};
    }
  }
};

// A second document needs a marker line ("---" or "...", optionally after a
// byte order mark) other than one "---" opening the stream after blank,
// comment and directive lines. Without such a line the second parse, as
// costly as the first, cannot find anything.
bool MaySpanDocuments(const std::string& content) {
  bool leading = true;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    std::string_view line(content.data() + start,
                          (end == std::string::npos ? content.size() : end) - start);
    start = end == std::string::npos ? content.size() : end + 1;
    if (line.substr(0, 3) == "\xEF\xBB\xBF") {
      line.remove_prefix(3);
    }
    bool marker = line.substr(0, 3) == "---" || line.substr(0, 3) == "...";
    if (marker && (!leading || line.substr(0, 3) == "...")) {
      return true;
    }
    bool skippable = line.find_first_not_of(" \t\r") == std::string_view::npos ||
                     line[line.find_first_not_of(" \t\r")] == '#' || line[0] == '%';
    if (marker || !skippable) {
      leading = false;
    }
  }
  return false;
}

}  // namespace

YAML::Node LoadFirstDocument(const std::string& content, std::optional<SourcePos>* second) {
  YAML::Node root = YAML::Load(content);
  second->reset();
  if (!MaySpanDocuments(content)) {
    return root;
  }
  // A second parser walks past the first document and peeks at the next one
  // (at most two HandleNextDocument calls, so it cannot loop).
  std::istringstream in(content);
  YAML::Parser parser(in);
  RootProbe first_probe;
  RootProbe second_probe;
  if (parser.HandleNextDocument(first_probe) && parser.HandleNextDocument(second_probe) &&
      second_probe.seen && !second_probe.null_root) {
    *second = second_probe.pos;
  }
  return root;
}

}  // namespace qc::compose
