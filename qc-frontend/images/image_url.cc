#include "images/image_url.h"

#include <algorithm>
#include <cctype>

namespace qc::images {
namespace {

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Decodes %HH escapes; nullopt if one is malformed or decodes to NUL.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) {
      return std::nullopt;
    }
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// RFC 3986 reg-name or IPv4 (letters, digits, '-', '.', '_', '~'), or an
// IPv6 literal in brackets; then an optional :PORT.
bool CheckHostPort(std::string_view authority, std::string* host_out, std::string* error) {
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      *error = "URL has an unterminated IPv6 address";
      return false;
    }
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      *error = "URL has text after its IPv6 address";
      return false;
    }
    port = rest.empty() ? rest : rest.substr(1);
    if (host.size() == 2 || !std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
          return HexValue(c) >= 0 || c == ':' || c == '.';
        })) {
      *error = "URL has an invalid IPv6 address";
      return false;
    }
    if (!rest.empty() && port.empty()) {
      *error = "URL has an empty port";
      return false;
    }
  } else {
    std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) {
        *error = "URL has an empty port";
        return false;
      }
    }
    if (host.empty()) {
      *error = "URL has no host";
      return false;
    }
    for (char c : host) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '.' && c != '_' &&
          c != '~') {
        *error = std::string("URL host has an invalid character '") + c + "'";
        return false;
      }
    }
  }
  if (!port.empty()) {
    unsigned value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) {
        *error = "URL has an invalid port '" + std::string(port) + "'";
        return false;
      }
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) {
      *error = "URL has an invalid port '" + std::string(port) + "'";
      return false;
    }
  }
  *host_out = Lower(host) + (port.empty() ? "" : ":" + std::string(port));
  return true;
}

// Every '/'-separated segment: valid escapes, and not "." or ".." (also
// when written %2e).
bool CheckPath(std::string_view path, std::string* error) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    std::optional<std::string> segment = PercentDecode(path.substr(start, end - start));
    if (!segment) {
      *error = "URL has an invalid percent-escape (%HH, not %00)";
      return false;
    }
    if (*segment == "." || *segment == "..") {
      *error = "URL path must not contain '.' or '..' segments";
      return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace

bool LooksLikeUrl(std::string_view text) {
  std::size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0 ||
      std::isalpha(static_cast<unsigned char>(text[0])) == 0) {
    return false;
  }
  return std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(sep), IsSchemeChar);
}

std::optional<std::string> NormalizeImageUrl(std::string_view url, std::string* error) {
  if (url.empty()) {
    *error = "empty URL";
    return std::nullopt;
  }
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      *error = "URL contains a space, a control or a non-ASCII character (percent-encode it)";
      return std::nullopt;
    }
  }
  if (!LooksLikeUrl(url)) {
    *error = "'" + std::string(url) + "' is not a URL (scheme://...)";
    return std::nullopt;
  }
  std::size_t sep = url.find("://");
  std::string scheme = Lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https" && scheme != "file") {
    *error = "unsupported URL scheme '" + scheme +
             "' (use http://, https:// or file://, or a local path)";
    return std::nullopt;
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos) {
    *error = "URL must not contain a fragment ('#')";
    return std::nullopt;
  }
  std::size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path_query =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    *error = "URL must not contain a user name or password";
    return std::nullopt;
  }
  std::size_t query_start = path_query.find('?');
  std::string_view path = path_query.substr(0, query_start);
  std::string_view query =
      query_start == std::string_view::npos ? std::string_view() : path_query.substr(query_start);
  if (!CheckPath(path, error)) {
    return std::nullopt;
  }
  if (!query.empty() && !PercentDecode(query.substr(1))) {
    *error = "URL has an invalid percent-escape (%HH, not %00)";
    return std::nullopt;
  }
  if (scheme == "file") {
    if ((!authority.empty() && Lower(authority) != "localhost") || !path.starts_with('/') ||
        !query.empty()) {
      *error = "a file URL must name a local absolute path (file:///path/to/image)";
      return std::nullopt;
    }
    if (path == "/" || path.ends_with('/')) {
      *error = "a file URL must name a file, not a directory";
      return std::nullopt;
    }
    return "file://" + std::string(path);
  }
  std::string host;
  if (!CheckHostPort(authority, &host, error)) {
    return std::nullopt;
  }
  return scheme + "://" + host + (path.empty() ? "/" : std::string(path)) + std::string(query);
}

UrlParts SplitNormalizedUrl(const std::string& url) {
  UrlParts parts;
  std::size_t sep = url.find("://");
  if (sep == std::string::npos) {
    return parts;
  }
  parts.scheme = url.substr(0, sep);
  std::string rest = url.substr(sep + 3);
  std::size_t slash = rest.find_first_of("/?");
  parts.host = parts.scheme == "file" ? "" : rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (parts.scheme == "file") {
    parts.path = PercentDecode(path).value_or(path);
  } else {
    parts.path = path.substr(0, path.find('?'));
  }
  return parts;
}

}  // namespace qc::images
