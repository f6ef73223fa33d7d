#include "cli/completion_script.h"

#include <algorithm>
#include <memory>
#include <sstream>

#include "commands/str_cat.h"

namespace qc::cli {
namespace {

// The generated scripts have two parts: table functions (`case` statements
// over the command path, the same text for bash and zsh) and a fixed driver
// per shell that walks the words typed so far with them.
//   P_cmds PATH           subcommand names and aliases
//   P_canon PATH WORD     the canonical subcommand WORD names, or status 1
//   P_opts PATH           options valid there (its own and its parents')
//   P_value PATH OPTION   what OPTION's value is (file, vm, network, volume,
//                         none, choice WORD...), or status 1 for a flag
//   P_pos PATH N          what the Nth positional word is (same kinds)
//   P_describe PATH cmds|opts   "name:description" lines (zsh)
// PATH is the canonical subcommand names joined by spaces; "" at the top.

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::string Prefix(const CliCommand& root) {
  std::string p = "_" + root.name;
  std::replace_if(
      p.begin(), p.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; },
      '_');
  return p;
}

const char* KindWord(ValueKind k) {
  switch (k) {
    case ValueKind::kFile:
      return "file";
    case ValueKind::kVm:
      return "vm";
    case ValueKind::kNetwork:
      return "network";
    case ValueKind::kVolume:
      return "volume";
    case ValueKind::kChoice:
      return "choice";
    case ValueKind::kNone:
      break;
  }
  return "none";
}

// "file", "vm", ... or "choice WORD..."
std::string KindOf(ValueKind kind, const std::vector<std::string>& choices) {
  std::string v = KindWord(kind);
  for (const auto& c : choices) {
    v += " " + c;
  }
  return v;
}

// One line of a zsh _describe list: "name:description" (':' in the name escaped).
std::string DescribeLine(const std::string& name, const std::string& description) {
  std::string n;
  for (char c : name) {
    n += c == ':' ? std::string("\\:") : std::string(1, c);
  }
  std::string d = description.substr(0, description.find(". "));
  std::replace(d.begin(), d.end(), '\n', ' ');
  return n + ":" + d;
}

struct Tables {
  std::ostringstream cmds, canon, opts, value, pos, describe;
  std::vector<std::unique_ptr<CliOption>> shadowed;  // inherited options minus reused names
};

void Emit(const CliCommand& cmd, const std::string& path,
          const std::vector<const CliOption*>& inherited, Tables* t) {
  const std::string key = Quote(path);
  // A parent's options work here too (CLI11 fallthrough) unless the command
  // reuses the name: `logs -f` is --follow, not the top level's --file.
  std::vector<const CliOption*> visible;
  for (const CliOption* o : inherited) {
    CliOption kept = *o;
    std::erase_if(kept.names, [&](const std::string& n) {
      return std::any_of(cmd.options.begin(), cmd.options.end(), [&](const CliOption& own) {
        return std::find(own.names.begin(), own.names.end(), n) != own.names.end();
      });
    });
    if (kept.names.size() == o->names.size()) {
      visible.push_back(o);
    } else if (!kept.names.empty()) {
      t->shadowed.push_back(std::make_unique<CliOption>(kept));
      visible.push_back(t->shadowed.back().get());
    }
  }
  for (const auto& o : cmd.options) {
    visible.push_back(&o);
  }

  std::string names;
  std::vector<std::string> cmd_lines;
  for (const auto& sub : cmd.subcommands) {
    std::vector<std::string> all{sub.name};
    all.insert(all.end(), sub.aliases.begin(), sub.aliases.end());
    for (const auto& n : all) {
      names += (names.empty() ? "" : " ") + n;
      t->canon << "    " << Quote(commands::Cat(path, "|", n)) << ") printf '%s\\n' "
               << Quote(sub.name) << " ;;\n";
      cmd_lines.push_back(DescribeLine(n, sub.description));
    }
  }
  if (!names.empty()) {
    t->cmds << "    " << key << ") printf '%s\\n' " << Quote(names) << " ;;\n";
  }

  std::string opt_names;
  std::vector<std::string> opt_lines;
  for (const CliOption* o : visible) {
    for (const auto& n : o->names) {
      opt_names += " " + n;
      opt_lines.push_back(DescribeLine(n, o->description));
      if (o->takes_value()) {
        t->value << "    " << Quote(commands::Cat(path, "|", n)) << ") printf '%s\\n' "
                 << Quote(KindOf(o->kind, o->choices)) << " ;;\n";
      }
    }
  }
  opt_lines.push_back(DescribeLine("-h", "Print help and exit"));
  opt_lines.push_back(DescribeLine("--help", "Print help and exit"));
  t->opts << "    " << key << ") printf '%s\\n' " << Quote("-h --help" + opt_names) << " ;;\n";

  // Positionals: their kinds in order, separated by ";"; "*" marks one that takes every
  // remaining word. After a prefix command's last positional the rest of the
  // line is passed on, so there is nothing to complete.
  std::string kinds;
  for (std::size_t i = 0; i < cmd.positionals.size(); ++i) {
    const CliPositional& p = cmd.positionals[i];
    const bool last = i + 1 == cmd.positionals.size();
    kinds += std::string(kinds.empty() ? "" : ";") +
             (last && cmd.rest_is_command ? "none" : KindOf(p.kind, p.choices)) +
             (p.repeated || (last && cmd.rest_is_command) ? "*" : "");
  }
  if (!kinds.empty()) {
    t->pos << "    " << key << ") kinds=" << Quote(kinds) << " ;;\n";
  }

  auto lines = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& l : v) {
      s += Quote(l) + " ";
    }
    return s;
  };
  if (!cmd_lines.empty()) {
    t->describe << "    " << Quote(path + "|cmds") << ") printf '%s\\n' " << lines(cmd_lines)
                << ";;\n";
  }
  t->describe << "    " << Quote(path + "|opts") << ") printf '%s\\n' " << lines(opt_lines)
              << ";;\n";

  for (const auto& sub : cmd.subcommands) {
    Emit(sub, path.empty() ? sub.name : path + " " + sub.name, visible, t);
  }
}

// The body of P_pos after `kinds` is set: the Nth kind, or the starred one.
const char* kPosLoop = R"SH(  while [ -n "$kinds" ]; do
    k="${kinds%%;*}"
    if [ "$k" = "$kinds" ]; then kinds=""; else kinds="${kinds#*;}"; fi
    case "$k" in
      *'*') printf '%s\n' "${k%?}"; return 0 ;;
    esac
    if [ "$n" -le 1 ]; then printf '%s\n' "$k"; return 0; fi
    n=$((n - 1))
  done
  printf '%s\n' none
)SH";

std::string TableFunctions(const CliCommand& root) {
  Tables t;
  Emit(root, "", {}, &t);
  const std::string p = Prefix(root);
  std::ostringstream out;
  auto fn = [&](const std::string& name, const std::string& subject, const std::string& body,
                const std::string& fallback) {
    out << p << "_" << name << "() {\n  case " << subject << " in\n"
        << body << "    *) " << fallback << " ;;\n  esac\n}\n";
  };
  fn("cmds", "\"$1\"", t.cmds.str(), "return 1");
  fn("canon", "\"$1|$2\"", t.canon.str(), "return 1");
  fn("opts", "\"$1\"", t.opts.str(), "return 1");
  fn("value", "\"$1|$2\"", t.value.str(), "return 1");
  out << p << "_pos() {\n  local kinds=\"\" n=\"$2\" k\n  case \"$1\" in\n"
      << t.pos.str() << "  esac\n"
      << kPosLoop << "}\n";
  fn("describe", "\"$1|$2\"", t.describe.str(), "return 1");
  return out.str();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

// The walk over the words before the cursor, shared in spirit by both
// drivers: options that take a value skip it (and a following "=" word),
// words naming a subcommand descend, anything else counts as a positional.
const char* kBashDriver = R"SH(@P@() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmdpath="" word canon kind opt i=1 npos=0
  local -a file_args=()
  [ "$COMP_CWORD" -gt 0 ] && prev="${COMP_WORDS[COMP_CWORD-1]}"
  while [ "$i" -lt "$COMP_CWORD" ]; do
    word="${COMP_WORDS[i]}"
    case "$word" in
      --*=*) ;;
      -*)
        if @P@_value "$cmdpath" "$word" >/dev/null; then
          i=$((i + 1))
          [ "${COMP_WORDS[i]}" = "=" ] && i=$((i + 1))
          case "$word" in -f | --file) file_args=(--file "${COMP_WORDS[i]/#\~/$HOME}") ;; esac
        fi
        ;;
      *)
        if [ "$npos" -eq 0 ] && canon="$(@P@_canon "$cmdpath" "$word")"; then
          cmdpath="${cmdpath:+$cmdpath }$canon"
        else
          npos=$((npos + 1))
        fi
        ;;
    esac
    i=$((i + 1))
  done
  opt="$prev"
  if [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
    opt="${COMP_WORDS[COMP_CWORD-2]}"
  fi
  case "$opt" in
    -*)
      if kind="$(@P@_value "$cmdpath" "$opt")"; then
        @P@_reply "$kind"
        return 0
      fi
      ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(@P@_opts "$cmdpath")" -- "$cur"))
    return 0
  fi
  COMPREPLY=()
  if [ "$npos" -eq 0 ] && @P@_cmds "$cmdpath" >/dev/null; then
    COMPREPLY=($(compgen -W "$(@P@_cmds "$cmdpath")" -- "$cur"))
  fi
  @P@_reply "$(@P@_pos "$cmdpath" $((npos + 1)))"
}

# Adds the completions for one kind of word to COMPREPLY.
@P@_reply() {
  local kind="${1%% *}" choices="${1#* }"
  case "$kind" in
    file)
      compopt -o filenames 2>/dev/null
      COMPREPLY+=($(compgen -f -- "$cur"))
      ;;
    choice) COMPREPLY+=($(compgen -W "$choices" -- "$cur")) ;;
    vm | network | volume)
      COMPREPLY+=($(compgen -W "$(command "${COMP_WORDS[0]}" "${file_args[@]}" \
        __complete-names "${kind}s" 2>/dev/null)" -- "$cur"))
      ;;
  esac
}

complete -F @P@ @NAME@
)SH";

const char* kZshDriver = R"SH(_@NAME@() {
  local cmdpath="" word canon kind opt cur i=2 npos=0
  local -a file_args cands
  while (( i < CURRENT )); do
    word=${words[i]}
    case $word in
      --*=*) ;;
      -*)
        if @P@_value "$cmdpath" "$word" >/dev/null; then
          (( i++ ))
          case $word in -f | --file) file_args=(--file "${~words[i]}") ;; esac
        fi
        ;;
      *)
        if (( npos == 0 )) && canon=$(@P@_canon "$cmdpath" "$word"); then
          cmdpath="${cmdpath:+$cmdpath }$canon"
        else
          (( npos++ ))
        fi
        ;;
    esac
    (( i++ ))
  done
  cur=${words[CURRENT]}
  opt=${words[CURRENT-1]}
  if [[ $cur == --*=* ]]; then
    opt=${cur%%=*}
    compset -P '*='
  fi
  if [[ $opt == -* ]] && kind=$(@P@_value "$cmdpath" "$opt"); then
    @P@_reply "$kind"
    return
  fi
  if [[ $cur == -* ]]; then
    cands=(${(f)"$(@P@_describe "$cmdpath" opts)"})
    _describe -t options option cands
    return
  fi
  if (( npos == 0 )) && @P@_cmds "$cmdpath" >/dev/null; then
    cands=(${(f)"$(@P@_describe "$cmdpath" cmds)"})
    _describe -t commands command cands
  fi
  @P@_reply "$(@P@_pos "$cmdpath" $(( npos + 1 )))"
}

@P@_reply() {
  local kind=${1%% *}
  local -a cands
  case $kind in
    file) _files ;;
    choice)
      cands=(${=${1#* }})
      compadd -a cands
      ;;
    vm | network | volume)
      cands=(${(f)"$(command ${words[1]} "${file_args[@]}" __complete-names ${kind}s 2>/dev/null)"})
      compadd -a cands
      ;;
  esac
}

# Sourced: register the function. Autoloaded from fpath (#compdef), this file
# is the body of _@NAME@ on its first call: it has just redefined itself, so
# complete now.
compdef _@NAME@ @NAME@
if [[ ${funcstack[1]} == _@NAME@ ]]; then
  _@NAME@ "$@"
fi
)SH";

std::string Driver(const char* text, const CliCommand& root) {
  return Replace(Replace(text, "@P@", Prefix(root)), "@NAME@", root.name);
}

}  // namespace

std::string BashCompletionScript(const CliCommand& root) {
  return "# bash completion for " + root.name + " (generated by `" + root.name +
         " completion bash`)\n" + TableFunctions(root) + "\n" + Driver(kBashDriver, root);
}

std::string ZshCompletionScript(const CliCommand& root) {
  return "#compdef " + root.name + "\n# zsh completion for " + root.name + " (generated by `" +
         root.name + " completion zsh`)\n" + TableFunctions(root) + "\n" + Driver(kZshDriver, root);
}

}  // namespace qc::cli
