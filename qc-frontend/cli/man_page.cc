#include "cli/man_page.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "commands/str_cat.h"

namespace qc::cli {
namespace {

// Lines starting with this byte are roff already (from {{cli:*}}) and pass
// through the Markdown conversion untouched.
constexpr char kRaw = '\x1f';

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string Trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Escapes text for roff: backslashes, and in code also '-' (a minus sign, so
// that options can be searched for and copied).
std::string Escape(const std::string& s, bool code) {
  static const std::vector<std::pair<std::string, std::string>> kGlyphs = {
      {"\u2192", "\\(->"}, {"\u2013", "\\(en"}, {"\u2014", "\\(em"},
      {"\u2265", "\\(>="}, {"\u2264", "\\(<="}, {"\u2026", "..."}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-' && code) {
      out += "\\-";
    } else {
      bool glyph = false;
      for (const auto& [from, to] : kGlyphs) {
        if (s.compare(i, from.size(), from) == 0) {
          out += to;
          i += from.size() - 1;
          glyph = true;
          break;
        }
      }
      if (!glyph) {
        out += c;
      }
    }
  }
  return out;
}

// A roff text line must not start with '.' or '\'' (control characters).
std::string Line(const std::string& s) {
  return !s.empty() && (s[0] == '.' || s[0] == '\'') ? "\\&" + s : s;
}

// `code`, **bold**, *italic*, [text](url) → roff fonts.
std::string Inline(const std::string& s) {
  std::string out;
  std::size_t i = 0;
  auto span = [&](const std::string& open, const std::string& font, bool code) {
    const std::size_t end = s.find(open, i + open.size());
    if (end == std::string::npos || end == i + open.size()) {
      return false;
    }
    out += font + Escape(s.substr(i + open.size(), end - i - open.size()), code) + "\\fR";
    i = end + open.size();
    return true;
  };
  while (i < s.size()) {
    if (s[i] == '`' && span("`", "\\fB", true)) {
      continue;
    }
    if (StartsWith(s.substr(i), "**") && span("**", "\\fB", false)) {
      continue;
    }
    if (s[i] == '*' && i + 1 < s.size() && s[i + 1] != ' ' && span("*", "\\fI", false)) {
      continue;
    }
    if (s[i] == '[') {
      const std::size_t close = s.find("](", i);
      const std::size_t end = close == std::string::npos ? close : s.find(')', close);
      if (end != std::string::npos) {
        out += Escape(s.substr(i + 1, close - i - 1), false);
        i = end + 1;
        continue;
      }
    }
    std::size_t next = s.find_first_of("`*[", i + 1);
    if (next == std::string::npos) {
      next = s.size();
    }
    out += Escape(s.substr(i, next - i), false);
    i = next;
  }
  return Line(out);
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// ---- the CLI sections ------------------------------------------------------

// Help strings often end without a full stop; in running text they need one.
std::string Sentence(const std::string& text) {
  std::string t = Inline(text);
  return t.empty() || t.back() == '.' ? t : t + ".";
}

std::string Choices(const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& c : choices) {
    list += (list.empty() ? "" : ", ") + std::string("\\fB") + Escape(c, true) + "\\fR";
  }
  return list.empty() ? "" : " One of: " + list + ".";
}

std::string OptionEntry(const CliOption& o) {
  std::string head;
  for (const auto& n : o.names) {
    head += (head.empty() ? "" : ", ") + std::string("\\fB") + Escape(n, true) + "\\fR";
  }
  if (o.takes_value()) {
    head += " \\fI" + Escape(o.value_name, false) + "\\fR";
  }
  std::string text = Sentence(o.description) + Choices(o.choices);
  if (!o.default_value.empty()) {
    text += " Default: \\fB" + Escape(o.default_value, true) + "\\fR.";
  }
  return ".TP\n" + head + "\n" + text + "\n";
}

std::string PositionalUsage(const CliPositional& p) {
  std::string u = Upper(p.name) + (p.repeated ? "..." : "");
  return p.required ? u : "[" + u + "]";
}

std::string Usage(const CliCommand& cmd, const std::string& path) {
  std::string u = "\\fB" + Escape(path, true) + "\\fR";
  if (!cmd.options.empty()) {
    u += " [\\fIOPTIONS\\fR]";
  }
  for (const auto& p : cmd.positionals) {
    u += " \\fI" + Escape(PositionalUsage(p), false) + "\\fR";
  }
  if (!cmd.subcommands.empty()) {
    u += cmd.needs_subcommand ? " \\fICOMMAND\\fR" : " [\\fICOMMAND\\fR]";
  }
  return u;
}

void Commands(const CliCommand& cmd, const std::string& path, std::string* out) {
  for (const auto& sub : cmd.subcommands) {
    const std::string sub_path = path + " " + sub.name;
    *out += ".SS \"" + Usage(sub, sub_path) + "\"\n" + Sentence(sub.description) + "\n";
    if (!sub.aliases.empty()) {
      std::string names;
      for (const auto& a : sub.aliases) {
        names += (names.empty() ? "" : ", ") + std::string("\\fB") + Escape(a, true) + "\\fR";
      }
      *out += "Also called " + names + ".\n";
    }
    for (const auto& p : sub.positionals) {
      *out += ".TP\n\\fI" + Escape(Upper(p.name), false) + "\\fR\n" + Sentence(p.description) +
              Choices(p.choices) + "\n";
    }
    for (const auto& o : sub.options) {
      *out += OptionEntry(o);
    }
    Commands(sub, sub_path, out);
  }
}

std::string CliSection(const std::string& what, const CliCommand& cli, bool* ok) {
  std::string out;
  if (what == "synopsis") {
    out = ".nf\n\\fB" + Escape(cli.name, true) +
          "\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n.fi\n";
  } else if (what == "options") {
    for (const auto& o : cli.options) {
      out += OptionEntry(o);
    }
    out += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help and exit (also after a command).\n";
  } else if (what == "commands") {
    Commands(cli, cli.name, &out);
  } else if (what == "footer") {
    out = ".PP\n" + Inline(cli.footer) + "\n";
  } else {
    *ok = false;
  }
  std::string raw;
  for (const auto& l : SplitLines(out)) {
    raw += kRaw + l + "\n";
  }
  return raw;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) {
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// The body of "## Heading" (up to the next heading of level 1 or 2).
bool Section(const std::string& markdown, const std::string& heading, std::string* out) {
  bool in = false;
  bool fenced = false;
  for (const auto& l : SplitLines(markdown)) {
    if (StartsWith(l, "```")) {
      fenced = !fenced;
    }
    if (!fenced && (StartsWith(l, "# ") || StartsWith(l, "## "))) {
      if (in) {
        return true;
      }
      in = Trim(l.substr(l.find(' '))) == heading;
      continue;
    }
    if (in) {
      *out += l + "\n";
    }
  }
  return in;
}

}  // namespace

std::string MarkdownToRoff(const std::string& markdown) {
  const std::vector<std::string> lines = SplitLines(markdown);
  std::string out;
  bool code = false;
  bool new_paragraph = true;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (StartsWith(l, "```")) {
      out += code ? ".fi\n.RE\n" : ".PP\n.RS 4\n.nf\n";
      code = !code;
      new_paragraph = true;
      continue;
    }
    if (code) {
      out += Line(Escape(l, true)) + "\n";
      continue;
    }
    if (!l.empty() && l[0] == kRaw) {
      out += l.substr(1) + "\n";
      new_paragraph = true;
      continue;
    }
    const std::string t = Trim(l);
    if (t.empty()) {
      new_paragraph = true;
    } else if (StartsWith(l, "## ")) {
      out += ".SH \"" + Escape(Upper(Trim(l.substr(3))), false) + "\"\n";
      new_paragraph = false;
    } else if (StartsWith(l, "### ")) {
      out += ".SS \"" + Escape(Trim(l.substr(4)), false) + "\"\n";
      new_paragraph = false;
    } else if (StartsWith(l, "- ") || StartsWith(l, "* ")) {
      out += ".IP \\(bu 2\n" + Inline(Trim(l.substr(2))) + "\n";
      new_paragraph = false;
    } else if (i + 1 < lines.size() && StartsWith(lines[i + 1], ": ")) {
      out += ".TP\n" + Inline(t) + "\n" + Inline(Trim(lines[i + 1].substr(2))) + "\n";
      ++i;
      new_paragraph = false;
    } else {
      if (new_paragraph) {
        out += ".PP\n";
      }
      out += Inline(t) + "\n";
      new_paragraph = false;
    }
  }
  return out;
}

bool RenderManPage(const std::string& template_text, const std::string& root, const CliCommand& cli,
                   std::string* roff, std::string* error) {
  const std::vector<std::string> lines = SplitLines(template_text);
  // "# name(section) -- summary"
  const std::string head = lines.empty() ? "" : lines[0];
  const std::size_t open = head.find('(');
  const std::size_t close = head.find(") -- ");
  if (!StartsWith(head, "# ") || open == std::string::npos || close == std::string::npos ||
      close < open) {
    *error = "line 1: expected '# NAME(SECTION) -- summary'";
    return false;
  }
  const std::string name = head.substr(2, open - 2);
  const std::string section = head.substr(open + 1, close - open - 1);
  const std::string summary = head.substr(close + 5);
  std::size_t first = 1;
  std::string source;
  if (lines.size() > 1 && StartsWith(lines[1], "% ")) {
    source = lines[1].substr(2);
    first = 2;
  }
  const std::string manual = section == "1"   ? "User Commands"
                             : section == "5" ? "File Formats"
                             : section == "8" ? "System Administration"
                                              : "";

  std::string body;
  for (std::size_t i = first; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    if (!StartsWith(l, "{{") || l.size() < 4 || l.compare(l.size() - 2, 2, "}}") != 0) {
      body += l + "\n";
      continue;
    }
    const std::string d = l.substr(2, l.size() - 4);
    if (StartsWith(d, "cli:")) {
      bool ok = true;
      body += CliSection(d.substr(4), cli, &ok);
      if (!ok) {
        *error = commands::Cat(where, "unknown directive '", l, "'");
        return false;
      }
    } else if (StartsWith(d, "include ")) {
      std::string text;
      if (!ReadFile(root + "/" + d.substr(8), &text)) {
        *error = commands::Cat(where, "cannot read ", root, "/", d.substr(8));
        return false;
      }
      body += "```\n" + text + (text.empty() || text.back() == '\n' ? "" : "\n") + "```\n";
    } else if (StartsWith(d, "section ") && d.find('#') != std::string::npos) {
      const std::string file = d.substr(8, d.find('#') - 8);
      const std::string heading = d.substr(d.find('#') + 1);
      std::string text;
      if (!ReadFile(commands::Cat(root, "/", file), &text)) {
        *error = commands::Cat(where, "cannot read ", root, "/", file);
        return false;
      }
      if (!Section(text, heading, &body)) {
        *error = commands::Cat(where, "no heading '", heading, "' in ", file);
        return false;
      }
    } else {
      *error = commands::Cat(where, "unknown directive '", l, "'");
      return false;
    }
  }
  *roff = ".TH \"" + Escape(Upper(name), false) + "\" \"" + section + "\" \"\" \"" +
          Escape(source, false) + "\" \"" + manual + "\"\n.SH NAME\n" + Escape(name, true) +
          " \\- " + Escape(summary, false) + "\n" + MarkdownToRoff(body);
  return true;
}

}  // namespace qc::cli
