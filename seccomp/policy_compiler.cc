// Build-time compiler: turns a declarative seccomp policy (*.policy) into a
// C++ header with a table of libseccomp rules. Runs on the build host only;
// it never ships. Line format (one rule per line, '#' starts a comment):
//   include <linux/if_tun.h>          header that defines the names used below
//   default kill | default allow       action for syscalls not listed
//   <syscall>                          allow unconditionally
//   <syscall> argN == VALUE [&& ...]   allow when every condition holds
//   <syscall> argN & MASK == VALUE     masked comparison
//   <syscall> ... => errno ENAME       refuse with an errno instead of allowing
//   <syscall> ... => kill              kill (used with "default allow")
// VALUE and MASK are C expressions without spaces (e.g. O_RDWR|O_CLOEXEC).
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> Split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) {
    words.push_back(w);
  }
  return words;
}

bool Fail(const std::string& file, int lineno, const std::string& what) {
  std::cerr << file << ":" << lineno << ": " << what << "\n";
  return false;
}

// Translates one rule line into a C++ initializer; returns false on syntax errors.
bool CompileRule(const std::vector<std::string>& w, const std::string& file, int lineno,
                 std::string* out) {
  std::string action = "SCMP_ACT_ALLOW";
  std::size_t end = w.size();
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] != "=>") {
      continue;
    }
    end = i;
    if (i + 1 < w.size() && w[i + 1] == "kill" && i + 2 == w.size()) {
      action = "SCMP_ACT_KILL_PROCESS";
    } else if (i + 2 < w.size() && w[i + 1] == "errno" && i + 3 == w.size()) {
      action = "SCMP_ACT_ERRNO(" + w[i + 2] + ")";
    } else {
      return Fail(file, lineno, "expected '=> kill' or '=> errno ENAME'");
    }
    break;
  }
  std::string conds;
  int count = 0;
  std::size_t i = 1;
  while (i < end) {
    if (count > 0) {
      if (w[i] != "&&") {
        return Fail(file, lineno, "expected '&&' between conditions");
      }
      ++i;
    }
    if (i >= end || w[i].size() != 4 || w[i].compare(0, 3, "arg") != 0 || w[i][3] < '0' ||
        w[i][3] > '5') {
      return Fail(file, lineno, "expected arg0..arg5");
    }
    std::string arg(1, w[i][3]);
    if (i + 2 < end && w[i + 1] == "==") {
      conds += "{" + arg + ", SCMP_CMP_EQ, static_cast<scmp_datum_t>(" + w[i + 2] + "), 0},";
      i += 3;
    } else if (i + 4 < end && w[i + 1] == "&" && w[i + 3] == "==") {
      conds += "{" + arg + ", SCMP_CMP_MASKED_EQ, static_cast<scmp_datum_t>(" + w[i + 2] +
               "), static_cast<scmp_datum_t>(" + w[i + 4] + ")},";
      i += 5;
    } else {
      // Only equality: an int argument's upper 32 bits are caller-controlled,
      // so '!=' or '<' could be bypassed; '==' fails closed.
      return Fail(file, lineno, "expected 'argN == VALUE' or 'argN & MASK == VALUE'");
    }
    ++count;
    if (count > 6) {
      return Fail(file, lineno, "too many conditions");
    }
  }
  *out = "  {SCMP_SYS(" + w[0] + "), " + action + ", " + std::to_string(count) + ", {" + conds +
         "}, \"" + w[0] + "\"},\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: policy_compiler INPUT.policy OUTPUT.h VARIABLE\n";
    return 2;
  }
  const std::string file = argv[1];
  std::ifstream in(file);
  if (!in) {
    std::cerr << "cannot read " << file << "\n";
    return 1;
  }
  std::string includes;
  std::string rules;
  std::string default_action;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::size_t hash = line.find('#');
    if (hash != std::string::npos) {
      line.resize(hash);
    }
    std::vector<std::string> w = Split(line);
    if (w.empty()) {
      continue;
    }
    if (w[0] == "include" && w.size() == 2) {
      includes += "#include " + w[1] + "\n";
    } else if (w[0] == "default" && w.size() == 2 && (w[1] == "kill" || w[1] == "allow")) {
      default_action = w[1] == "kill" ? "SCMP_ACT_KILL_PROCESS" : "SCMP_ACT_ALLOW";
    } else {
      std::string rule;
      if (!CompileRule(w, file, lineno, &rule)) {
        return 1;
      }
      rules += rule;
    }
  }
  if (default_action.empty()) {
    std::cerr << file << ": missing 'default kill' or 'default allow'\n";
    return 1;
  }
  std::ofstream out(argv[2]);
  out << "// Generated from " << file << " by policy_compiler. Do not edit.\n"
      << "#pragma once\n#include <seccomp.h>\n#include <iterator>\n"
      << "#include \"seccomp_policy.h\"\n"
      << includes << "namespace qc::seccomp {\n"
      << "inline const Rule " << argv[3] << "Rules[] = {\n"
      << rules << "};\n"
      << "inline const Policy " << argv[3] << "{" << default_action << ", " << argv[3]
      << "Rules, std::size(" << argv[3] << "Rules)};\n"
      << "}  // namespace qc::seccomp\n";
  return out ? 0 : 1;
}
