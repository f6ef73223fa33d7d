#include "policy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sstream>

namespace qc::netd {

constexpr off_t kMaxPolicyBytes = off_t{1} << 20;

static std::string Trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Applies one "key = value" or "max_*[user] = value" line; returns what is
// wrong with it, or "" if nothing is.
static std::string ApplyLine(const std::string& line, Policy* p) {
  const std::size_t eq = line.find('=');
  if (eq == std::string::npos) {
    return "expected 'key = value'";
  }
  std::string key = Trim(line.substr(0, eq));
  const std::string value = Trim(line.substr(eq + 1));
  std::string user;
  if (const std::size_t bracket = key.find('['); bracket != std::string::npos) {
    if (key.back() != ']' || bracket + 2 >= key.size()) {
      return "expected 'key[user] = value'";
    }
    user = key.substr(bracket + 1, key.size() - bracket - 2);
    key.resize(bracket);
  }
  unsigned Quotas::*quota = key == "max_bridges"   ? &Quotas::max_bridges
                            : key == "max_taps"    ? &Quotas::max_taps
                            : key == "max_dnsmasq" ? &Quotas::max_dnsmasq
                                                   : nullptr;
  if (quota != nullptr) {
    unsigned n = 0;
    const char* end = value.data() + value.size();
    if (value.empty() || value.size() > 6 || std::from_chars(value.data(), end, n).ptr != end) {
      return key + " needs a number, got '" + value + "'";
    }
    // A user's override starts from the global quotas set so far.
    Quotas& q = user.empty() ? p->quotas : p->per_user.try_emplace(user, p->quotas).first->second;
    q.*quota = n;
    return "";
  }
  if (!user.empty()) {
    return "only max_* keys take a [user] override";
  }
  if (key == "allow_users" || key == "allow_groups") {
    // The extra comma turns an empty value or a trailing comma into an empty item.
    std::istringstream items(value + ",");
    for (std::string item; std::getline(items, item, ',');) {
      item = Trim(item);
      if (item.empty() || item.find_first_of(" \t") != std::string::npos) {
        return key + " needs a comma-separated list of names or ids";
      }
      (key == "allow_users" ? p->allow_users : p->allow_groups).push_back(item);
    }
    return "";
  }
  if (key == "pool") {
    const std::optional<ipv4::Cidr> pool = ipv4::ParseCidr(value);
    if (!pool) {
      return "pool: '" + value + "' is not an IPv4 prefix like 10.200.0.0/16";
    }
    if (ipv4::NetworkOf(*pool) != *pool) {
      return "pool: " + value + " has host bits set";
    }
    p->pools.push_back(*pool);
    return "";
  }
  return "unknown key '" + key + "'";
}

bool ParsePolicy(const std::string& text, Policy* out, std::string* err) {
  Policy p;
  p.pools.clear();  // pool lines replace the default
  std::istringstream lines(text);
  std::string line;
  for (int lineno = 1; std::getline(lines, line); ++lineno) {
    line = Trim(line.substr(0, line.find('#')));
    const std::string why = line.empty() ? "" : ApplyLine(line, &p);
    if (!why.empty()) {
      *err = "line " + std::to_string(lineno) + ": " + why;
      return false;
    }
  }
  if (p.pools.empty()) {
    p.pools = Policy{}.pools;
  }
  *out = p;
  return true;
}

bool LoadPolicyFile(const std::string& path, Policy* out, std::string* err) {
  // O_NOFOLLOW: never a symlink; O_NONBLOCK: a FIFO cannot hang the open.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    *out = Policy{};
    return true;
  }
  struct stat st {};
  std::string text;
  std::string why;
  if (fd < 0) {
    why = std::strerror(errno);
  } else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    why = "not a regular file";
  } else if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    why = "refused: must be owned by root and not group- or world-writable";
  } else if (st.st_size > kMaxPolicyBytes) {
    why = "larger than 1 MiB";
  } else {
    text.resize(static_cast<std::size_t>(st.st_size));
    why = read(fd, text.data(), text.size()) == st.st_size ? "" : "cannot read";
  }
  if (fd >= 0) {
    close(fd);
  }
  if (why.empty() && ParsePolicy(text, out, &why)) {
    return true;
  }
  *err = path + ": " + why;
  return false;
}

bool CallerAllowed(const Policy& p, const Caller& c) {
  auto listed = [](const std::vector<std::string>& v, const std::string& s) {
    return !s.empty() && std::find(v.begin(), v.end(), s) != v.end();
  };
  auto gid_listed = [&](gid_t g) { return listed(p.allow_groups, std::to_string(g)); };
  auto group_listed = [&](const std::string& g) { return listed(p.allow_groups, g); };
  return (p.allow_users.empty() && p.allow_groups.empty()) || listed(p.allow_users, c.user) ||
         listed(p.allow_users, std::to_string(c.uid)) ||
         std::any_of(c.gids.begin(), c.gids.end(), gid_listed) ||
         std::any_of(c.groups.begin(), c.groups.end(), group_listed);
}

Quotas EffectiveQuotas(const Policy& p, const Caller& c) {
  auto it = p.per_user.find(std::to_string(c.uid));
  if (it == p.per_user.end() && !c.user.empty()) {
    it = p.per_user.find(c.user);
  }
  return it == p.per_user.end() ? p.quotas : it->second;
}

}  // namespace qc::netd
