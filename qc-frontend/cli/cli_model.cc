#include "cli/cli_model.h"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace qc::cli {
namespace {

bool Hidden(const std::string& group) {
  return group.empty();
}

// "TEXT:{text,json}" → {"text", "json"}: CLI11's IsMember describes itself so.
std::vector<std::string> ChoicesOf(const std::string& type_name) {
  const std::size_t open = type_name.find(":{");
  const std::size_t close = type_name.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return {};
  }
  std::vector<std::string> out;
  std::string item;
  for (char c : type_name.substr(open + 2, close - open - 2)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  out.push_back(item);
  return out;
}

CliOption DescribeOption(const CLI::Option& o) {
  CliOption out;
  for (const auto& s : o.get_snames()) {
    out.names.push_back("-" + s);
  }
  for (const auto& l : o.get_lnames()) {
    out.names.push_back("--" + l);
  }
  out.description = o.get_description();
  if (o.get_expected_max() > 0) {
    const std::string type = o.get_type_name();
    out.value_name = type.substr(0, type.find(':'));
    if (out.value_name.empty()) {
      out.value_name = "VALUE";
    }
    out.default_value = o.get_default_str();
    out.choices = ChoicesOf(type);
  }
  if (!out.choices.empty()) {
    out.kind = ValueKind::kChoice;
  } else if (out.takes_value()) {
    out.kind = KindOfName(o.get_lnames().empty() ? out.value_name : o.get_lnames().front());
    if (out.kind == ValueKind::kNone) {
      out.kind = KindOfName(out.value_name);
    }
  }
  return out;
}

}  // namespace

ValueKind KindOfName(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "vm" || n == "vms") {
    return ValueKind::kVm;
  }
  if (n == "network" || n == "networks") {
    return ValueKind::kNetwork;
  }
  if (n == "volume" || n == "volumes") {
    return ValueKind::kVolume;
  }
  if (n == "file" || n == "path" || n == "dir" || n == "directory") {
    return ValueKind::kFile;
  }
  return ValueKind::kNone;
}

CliCommand DescribeCli(const CLI::App& app) {
  CliCommand out;
  out.name = app.get_name();
  out.aliases = app.get_aliases();
  out.description = app.get_description();
  out.footer = app.get_footer();
  out.needs_subcommand = app.get_require_subcommand_min() > 0;
  out.rest_is_command = app.get_prefix_command();
  const CLI::Option* help = app.get_help_ptr();
  const CLI::Option* help_all = app.get_help_all_ptr();
  for (const CLI::Option* o : app.get_options()) {
    if (o == help || o == help_all || Hidden(o->get_group())) {
      continue;
    }
    if (o->get_positional() && !o->nonpositional()) {
      CliPositional p;
      p.name = o->get_name(true);
      p.description = o->get_description();
      p.required = o->get_required();
      p.repeated = o->get_items_expected_max() > 1;
      p.choices = ChoicesOf(o->get_type_name());
      p.kind = p.choices.empty() ? KindOfName(p.name) : ValueKind::kChoice;
      out.positionals.push_back(p);
    } else {
      out.options.push_back(DescribeOption(*o));
    }
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!Hidden(sub->get_group())) {
      out.subcommands.push_back(DescribeCli(*sub));
    }
  }
  return out;
}

}  // namespace qc::cli
