#include "compose/interpolate.h"

#include <cctype>

namespace qc::compose {
namespace {

bool IsNameStart(char c) {
  return c == '_' || std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool IsNameChar(char c) {
  return c == '_' || std::isalnum(static_cast<unsigned char>(c)) != 0;
}

class Interpolator {
 public:
  Interpolator(const Environment& env, std::vector<std::string>* unset, std::string_view whole)
      : env_(env), unset_(unset), whole_(whole) {}

  bool Run(std::string_view in, std::string* out, std::string* error) {
    std::size_t i = 0;
    while (i < in.size()) {
      const char c = in[i];
      if (c != '$') {
        out->push_back(c);
        ++i;
        continue;
      }
      if (i + 1 < in.size() && in[i + 1] == '$') {
        out->push_back('$');
        i += 2;
        continue;
      }
      if (i + 1 < in.size() && IsNameStart(in[i + 1])) {
        std::size_t end = i + 1;
        while (end < in.size() && IsNameChar(in[end])) {
          ++end;
        }
        *out += Lookup(std::string(in.substr(i + 1, end - i - 1)));
        i = end;
        continue;
      }
      if (i + 1 < in.size() && in[i + 1] == '{') {
        std::size_t close = MatchingBrace(in, i + 2);
        if (close == std::string_view::npos) {
          *error = Invalid("missing '}'");
          return false;
        }
        if (!Braced(in.substr(i + 2, close - i - 2), out, error)) {
          return false;
        }
        i = close + 1;
        continue;
      }
      *error = Invalid("use '$$' for a literal '$'");
      return false;
    }
    return true;
  }

 private:
  std::string Invalid(const std::string& why) const {
    return "invalid interpolation format in '" + std::string(whole_) + "': " + why;
  }

  // Index of the '}' closing a "${" whose body starts at `from`, skipping
  // nested "${...}" and "$$".
  static std::size_t MatchingBrace(std::string_view in, std::size_t from) {
    int depth = 0;
    for (std::size_t i = from; i < in.size(); ++i) {
      if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '$') {
        ++i;
      } else if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '{') {
        ++depth;
        ++i;
      } else if (in[i] == '}') {
        if (depth == 0) {
          return i;
        }
        --depth;
      }
    }
    return std::string_view::npos;
  }

  std::string Lookup(const std::string& name) {
    auto it = env_.find(name);
    if (it != env_.end()) {
      return it->second;
    }
    if (unset_ != nullptr) {
      unset_->push_back(name);
    }
    return "";
  }

  bool Braced(std::string_view body, std::string* out, std::string* error) {
    std::size_t n = 0;
    if (body.empty() || !IsNameStart(body[0])) {
      *error = Invalid("'${" + std::string(body) + "}' does not start with a variable name");
      return false;
    }
    while (n < body.size() && IsNameChar(body[n])) {
      ++n;
    }
    const std::string name(body.substr(0, n));
    std::string_view rest = body.substr(n);
    if (rest.empty()) {
      *out += Lookup(name);
      return true;
    }
    const bool colon = rest[0] == ':';
    if (colon) {
      rest.remove_prefix(1);
    }
    if (rest.empty() || (rest[0] != '-' && rest[0] != '?' && rest[0] != '+')) {
      *error = Invalid("unexpected '" + std::string(body.substr(n)) + "' after variable name " +
                       name + " (expected one of :- - :? ? :+ +)");
      return false;
    }
    const char op = rest[0];
    const std::string_view word = rest.substr(1);
    auto it = env_.find(name);
    const bool is_set = it != env_.end();
    const bool usable = is_set && (!colon || !it->second.empty());
    if (op == '-') {
      if (usable) {
        *out += it->second;
        return true;
      }
      return Run(word, out, error);
    }
    if (op == '+') {
      return usable ? Run(word, out, error) : true;
    }
    // op == '?'
    if (usable) {
      *out += it->second;
      return true;
    }
    std::string message;
    if (!Run(word, &message, error)) {
      return false;
    }
    *error = "required variable " + name + " is missing a value" +
             (message.empty() ? "" : ": " + message);
    return false;
  }

  const Environment& env_;
  std::vector<std::string>* unset_;
  std::string_view whole_;
};

}  // namespace

bool Interpolate(std::string_view input, const Environment& env, std::string* out,
                 std::vector<std::string>* unset, std::string* error) {
  std::string result;
  Interpolator interpolator(env, unset, input);
  if (!interpolator.Run(input, &result, error)) {
    return false;
  }
  *out = std::move(result);
  return true;
}

}  // namespace qc::compose
