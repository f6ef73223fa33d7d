#include "compose/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

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

}  // namespace

YAML::Node LoadFirstDocument(const std::string& content, std::optional<SourcePos>* second) {
  YAML::Node root = YAML::Load(content);
  // A second parser walks past the first document and peeks at the next one
  // (at most two HandleNextDocument calls, so it cannot loop).
  std::istringstream in(content);
  YAML::Parser parser(in);
  RootProbe first_probe;
  RootProbe second_probe;
  second->reset();
  if (parser.HandleNextDocument(first_probe) && parser.HandleNextDocument(second_probe) &&
      second_probe.seen && !second_probe.null_root) {
    *second = second_probe.pos;
  }
  return root;
}

}  // namespace qc::compose
