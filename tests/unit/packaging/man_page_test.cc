// The Markdown subset → roff conversion and the man page template directives.
#include "cli/man_page.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace qc::cli {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MarkdownToRoff, HeadingsParagraphsBulletsAndDefinitions) {
  const std::string roff = MarkdownToRoff(
      "## Files\n\nFirst paragraph\ncontinues.\n\nSecond.\n\n- a bullet\n  continued\n"
      "- another\n\n`term`\n: its definition\nmore of it\n");
  EXPECT_TRUE(Has(roff, ".SH \"FILES\"\n")) << roff;
  EXPECT_TRUE(Has(roff, ".PP\nFirst paragraph\ncontinues.\n.PP\nSecond.\n")) << roff;
  EXPECT_TRUE(Has(roff, ".IP \\(bu 2\na bullet\ncontinued\n.IP \\(bu 2\nanother\n")) << roff;
  EXPECT_TRUE(Has(roff, ".TP\n\\fBterm\\fR\nits definition\nmore of it\n")) << roff;
}

TEST(MarkdownToRoff, EscapesWhatRoffWouldInterpret) {
  const std::string roff = MarkdownToRoff(
      "a \\ backslash, `--flag` and **bold** *it* [link](http://x)\n.starts with a dot\n"
      "'quote at the start\n\n```\n.code -x \\n\n```\n");
  EXPECT_TRUE(Has(roff, "a \\e backslash, \\fB\\-\\-flag\\fR and \\fBbold\\fR \\fIit\\fR link\n"))
      << roff;
  EXPECT_TRUE(Has(roff, "\\&.starts with a dot\n")) << roff;
  EXPECT_TRUE(Has(roff, "\\&'quote at the start\n")) << roff;
  EXPECT_TRUE(Has(roff, ".nf\n\\&.code \\-x \\en\n.fi\n")) << roff;
}

TEST(MarkdownToRoff, UnderscoresAndStarsInsideWordsStayText) {
  EXPECT_EQ(MarkdownToRoff("allow_users = a* b\n"), ".PP\nallow_users = a* b\n");
}

class RenderManPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("qc-man-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "doc.md") << "# Doc\n\n## Other\nno\n\n## Wanted part\nyes ```\n"
                                      "```\n## not a heading in a fence\n```\nstill\n## Next\nno\n";
    std::ofstream(dir_ / "file.conf") << "#key = 1\n";
    cli_.name = "prog";
    cli_.footer = "Exit codes: 0 ok.";
    CliOption o;
    o.names = {"-n", "--lines"};
    o.value_name = "INT";
    o.description = "How many";
    o.default_value = "10";
    cli_.options.push_back(o);
    CliCommand sub;
    sub.name = "up";
    sub.description = "Start VMs";
    sub.aliases = {"start"};
    sub.positionals.push_back({"vms", "VMs to start", false, true, {}, ValueKind::kVm});
    cli_.subcommands.push_back(sub);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  CliCommand cli_;
};

TEST_F(RenderManPageTest, HeaderAndDirectives) {
  std::string roff, error;
  ASSERT_TRUE(RenderManPage(
      "# prog(1) -- does things\n% prog 1.2\n## SYNOPSIS\n{{cli:synopsis}}\n## OPTIONS\n"
      "{{cli:options}}\n## COMMANDS\n{{cli:commands}}\n## EXIT STATUS\n{{cli:footer}}\n"
      "## FROM DOC\n{{section doc.md#Wanted part}}\n## FILE\n{{include file.conf}}\n",
      dir_.string(), cli_, &roff, &error))
      << error;
  EXPECT_TRUE(Has(roff,
                  ".TH \"PROG\" \"1\" \"\" \"prog 1.2\" \"User Commands\"\n.SH NAME\n"
                  "prog \\- does things\n"))
      << roff;
  EXPECT_TRUE(Has(roff,
                  ".TP\n\\fB\\-n\\fR, \\fB\\-\\-lines\\fR \\fIINT\\fR\nHow many. "
                  "Default: \\fB10\\fR.\n"))
      << roff;
  EXPECT_TRUE(Has(roff,
                  ".SS \"\\fBprog up\\fR \\fI[VMS...]\\fR\"\nStart VMs.\n"
                  "Also called \\fBstart\\fR.\n"))
      << roff;
  EXPECT_TRUE(Has(roff, "Exit codes: 0 ok.")) << roff;
  EXPECT_TRUE(Has(roff, "yes")) << roff;
  EXPECT_TRUE(Has(roff, "still")) << roff;
  EXPECT_FALSE(Has(roff, "no\n")) << roff;
  EXPECT_TRUE(Has(roff, ".nf\n#key = 1\n.fi\n")) << roff;
}

TEST_F(RenderManPageTest, BadTemplatesAreRefusedNamingTheLine) {
  std::string roff, error;
  EXPECT_FALSE(RenderManPage("prog(1)\n", dir_.string(), cli_, &roff, &error));
  EXPECT_EQ(error, "line 1: expected '# NAME(SECTION) -- summary'");
  EXPECT_FALSE(RenderManPage("# p(1) -- x\n\n{{cli:nope}}\n", dir_.string(), cli_, &roff, &error));
  EXPECT_EQ(error, "line 3: unknown directive '{{cli:nope}}'");
  EXPECT_FALSE(
      RenderManPage("# p(1) -- x\n{{include missing}}\n", dir_.string(), cli_, &roff, &error));
  EXPECT_TRUE(Has(error, "line 2: cannot read")) << error;
  EXPECT_FALSE(RenderManPage("# p(1) -- x\n{{section doc.md#Absent}}\n", dir_.string(), cli_, &roff,
                             &error));
  EXPECT_EQ(error, "line 2: no heading 'Absent' in doc.md");
}

}  // namespace
}  // namespace qc::cli
