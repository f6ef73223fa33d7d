// LoadFirstDocument: a second, non-empty document is found wherever YAML
// allows one to start, and the peek is skipped only where none can.
#include "compose/yaml_document.h"

#include <gtest/gtest.h>

namespace qc::compose {
namespace {

std::optional<SourcePos> Second(const std::string& content) {
  std::optional<SourcePos> second;
  (void)LoadFirstDocument(content, &second);
  return second;
}

TEST(YamlDocument, SingleDocumentsHaveNoSecond) {
  EXPECT_FALSE(Second("a: 1\nb: 2\n"));
  EXPECT_FALSE(Second("---\na: 1\n"));
  EXPECT_FALSE(Second("# comment\n\n%YAML 1.2\n---\na: 1\n"));
  EXPECT_FALSE(Second("a: 1\n---\n"));  // an empty second document is ignored
  EXPECT_FALSE(Second("a: \"x\n  --- y\"\n"));
}

TEST(YamlDocument, EverySecondDocumentIsFound) {
  auto at = [](const std::string& content) {
    auto s = Second(content);
    return s ? s->line : 0;
  };
  EXPECT_EQ(at("a: 1\n---\nb: 2\n"), 3);
  EXPECT_EQ(at("---\na: 1\n---\nb: 2\n"), 4);
  EXPECT_EQ(at("a: 1\n...\nb\n"), 3);  // a bare document after an end marker
  EXPECT_EQ(at("--- a\n--- b\n"), 2);
}

}  // namespace
}  // namespace qc::compose
