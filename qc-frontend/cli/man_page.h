// Man pages from a Markdown template plus the CLI model, so that the pages'
// commands and options are the ones `--help` prints (built by CMake through
// the hidden `qemu-compose __man TEMPLATE ROOT`; templates in man/).
//
// The template is a small Markdown subset:
//   # NAME(SECTION) -- one-line summary     first line: .TH and NAME
//   % SOURCE                                 optional second line (e.g. "qemu-compose 0.1.0")
//   ## HEADING / ### Subheading              .SH / .SS
//   paragraphs, "- " bullet items (indented continuation lines), ```fenced``` blocks,
//   "term" followed by ": definition"        .TP
//   `code`, **bold**, *italic*, [text](url)
// and these directives, each alone on a line:
//   {{cli:synopsis}} {{cli:options}} {{cli:commands}} {{cli:footer}}
//   {{include PATH}}            PATH (relative to ROOT) as a fenced block
//   {{section PATH#Heading}}    the body of that "## Heading" of a Markdown file
#pragma once

#include <string>

#include "cli/cli_model.h"

namespace qc::cli {

// False and `error` ("TEMPLATE line N: problem") on a bad header, an unknown
// directive or a file or heading that is not there.
bool RenderManPage(const std::string& template_text, const std::string& root, const CliCommand& cli,
                   std::string* roff, std::string* error);

// The Markdown subset above (no directives) as roff body text.
std::string MarkdownToRoff(const std::string& markdown);

}  // namespace qc::cli
