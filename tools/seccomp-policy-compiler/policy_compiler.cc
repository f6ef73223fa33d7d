// Build-time compiler: turns a declarative seccomp policy (*.policy, syntax in
// seccomp/README.md) into a C++ header with a table of libseccomp rules. Runs on the
// build host only; it never ships.
#include <fstream>
#include <iostream>
#include <regex>
#include <string>

namespace {

// A policy's "allow" (or nothing), "kill" or "errno ENAME" as a libseccomp action.
std::string Action(const std::ssub_match& what, const std::ssub_match& errno_name) {
  return !what.matched || what == "allow" ? "SCMP_ACT_ALLOW"
         : what == "kill"                 ? "SCMP_ACT_KILL_PROCESS"
                                          : "SCMP_ACT_ERRNO(" + errno_name.str() + ")";
}

}  // namespace

// A build tool: an exception (bad regex, no memory) fails the build, as it should.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  if (argc != 4) {
    std::cerr << "usage: policy_compiler INPUT.policy OUTPUT.h VARIABLE\n";
    return 2;
  }
  const std::string file = argv[1];
  const std::string var = argv[3];
  std::ifstream in(file);
  if (!in) {
    std::cerr << "cannot read " << file << "\n";
    return 1;
  }
  // Only equality: an int argument's upper 32 bits are caller-controlled, so
  // '!=' or '<' could be bypassed; '==' fails closed.
  const std::string cond = R"(arg([0-5])(?:\s+&\s+(\S+))?\s+==\s+(\S+))";
  const std::regex cond_re(cond);
  const std::regex rule_re(R"(\s*(\w+)((?:\s+)" + cond + R"((?:\s+&&\s+)" + cond +
                           R"()*)?)(?:\s+=>\s+(kill|errno\s+(\w+)))?\s*)");
  const std::regex include_re(R"(\s*include\s+(\S+)\s*)");
  const std::regex default_re(R"(\s*default\s+(kill|allow|errno\s+(\w+))\s*)");
  std::string includes;
  std::string rules;
  std::string default_action;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    line = line.substr(0, line.find('#'));
    std::smatch m;
    if (std::regex_match(line, m, include_re)) {
      includes += "#include " + m[1].str() + "\n";
    } else if (std::regex_match(line, m, default_re)) {
      default_action = Action(m[1], m[2]);
    } else if (std::regex_match(line, m, rule_re)) {
      std::string conds;
      int n = 0;
      const std::string text = m[2];
      for (std::sregex_iterator it(text.begin(), text.end(), cond_re), end; it != end; ++it, ++n) {
        const std::smatch& c = *it;
        conds += c[2].matched ? "{" + c[1].str() + ", SCMP_CMP_MASKED_EQ, D(" + c[2].str() +
                                    "), D(" + c[3].str() + ")}, "
                              : "{" + c[1].str() + ", SCMP_CMP_EQ, D(" + c[3].str() + "), 0}, ";
      }
      rules += "  {\"" + m[1].str() + "\", SCMP_SYS(" + m[1].str() + "), " + Action(m[9], m[10]) +
               ", " + std::to_string(n) + ", {" + conds + "}},\n";
    } else if (line.find_first_not_of(" \t") != std::string::npos) {
      std::cerr << file << ":" << lineno << ": cannot parse '" << line << "' (see README.md)\n";
      return 1;
    }
  }
  if (default_action.empty()) {
    std::cerr << file << ": missing 'default kill|allow|errno ENAME'\n";
    return 1;
  }
  std::ofstream out(argv[2]);
  out << "// Generated from " << file << " by policy_compiler. Do not edit.\n"
      << "#pragma once\n#include \"seccomp_policy.h\"\n"
      << includes << "namespace qc::seccomp {\n"
      << "#define D(x) static_cast<scmp_datum_t>(x)\n"
      << "inline const Rule " << var << "Rules[] = {\n"
      << rules << "};\n#undef D\n"
      << "inline const Policy " << var << "{" << default_action << ", " << var << "Rules};\n"
      << "}  // namespace qc::seccomp\n";
  return out ? 0 : 1;
}
