#include "compose/loader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/depthguard.h>

#include "compose/diagnostics.h"
#include "compose/locate.h"
#include "compose/project_name.h"
#include "compose/project_parser.h"
#include "compose/yaml_document.h"
#include "compose/yaml_reader.h"

namespace qc::compose {
namespace {

bool ReadWholeFile(const std::string& path, std::string* content, std::string* problem) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *problem = "is a directory, not a compose file";
    return false;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *problem = std::string("cannot open: ") + std::strerror(errno != 0 ? errno : ENOENT);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *problem = std::string("cannot read: ") + std::strerror(errno != 0 ? errno : EIO);
    return false;
  }
  *content = buffer.str();
  return true;
}

// Parses `content`; returns false after reporting syntax errors, an empty
// file or more than one document.
bool ParseYaml(const std::string& content, Diagnostics& diag, YAML::Node* root) {
  std::optional<SourcePos> second;
  try {
    *root = LoadFirstDocument(content, &second);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp 0.7 stops at a parser depth of 2000 (about 500 flow levels)
    // and calls that "bad file".
    diag.Error({e.mark.line + 1, e.mark.column + 1},
               "YAML nested too deeply: the parser gives up here (a compose file needs only a few "
               "levels)");
    return false;
  } catch (const YAML::ParserException& e) {
    diag.Error({e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
    return false;
  }
  if (root->IsNull()) {
    diag.Error({1, 1}, "the file is empty: expected a mapping with at least 'vms'");
    return false;
  }
  if (second) {
    diag.Error(*second, "more than one YAML document: a compose file holds exactly one");
    return false;
  }
  return true;
}

void AddWarnings(const LoadOptions& opts, const std::vector<std::string>& lines) {
  if (opts.warnings == nullptr) {
    return;
  }
  opts.warnings->insert(opts.warnings->end(), lines.begin(), lines.end());
}

}  // namespace

bool LoadProject(const LoadOptions& opts, Project* out, std::string* error) {
  LocatedFile file;
  if (!LocateComposeFile(opts.file, opts.cwd, opts.env, &file, error, opts.warnings)) {
    return false;
  }
  Diagnostics diag(file.display);
  std::string content;
  std::string problem;
  if (!ReadWholeFile(file.absolute, &content, &problem)) {
    diag.Error({}, problem);
    *error = diag.ErrorText();
    return false;
  }
  Project project;
  std::error_code ec;
  project.compose_file = std::filesystem::weakly_canonical(file.absolute, ec).string();
  if (ec) {
    project.compose_file = file.absolute;
  }
  project.project_dir = std::filesystem::path(project.compose_file).parent_path().string();

  try {
    YAML::Node root;
    if (ParseYaml(content, diag, &root)) {
      Reader reader(diag, opts.env);
      PathContext paths{project.project_dir, ""};
      if (auto home = opts.env.find("HOME"); home != opts.env.end()) {
        paths.home = home->second;
      }
      std::optional<ParsedName> name;
      ParseProject(reader, root, paths, &project, &name);
      project.name =
          ChooseProjectName(name, opts.project_name, opts.env, project.project_dir, diag);
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp may still throw on odd input (e.g. deep nesting): report, never crash.
    diag.Error({e.mark.line + 1, e.mark.column + 1}, "YAML error: " + e.msg);
  }
  AddWarnings(opts, diag.WarningLines());
  if (diag.HasErrors()) {
    *error = diag.ErrorText();
    return false;
  }
  *out = std::move(project);
  return true;
}

}  // namespace qc::compose
