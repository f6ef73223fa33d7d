#include "policy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace qc::netd {
namespace {

constexpr std::size_t kMaxPolicyBytes = std::size_t{1} << 20;

std::string Trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) {
    return "";
  }
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool ParseCount(const std::string& v, unsigned* out) {
  if (v.empty() || v.size() > 6) {
    return false;
  }
  unsigned n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') {
      return false;
    }
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  *out = n;
  return true;
}

bool ParseNameList(const std::string& v, std::vector<std::string>* out) {
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t comma = v.find(',', start);
    if (comma == std::string::npos) {
      comma = v.size();
    }
    std::string item = Trim(v.substr(start, comma - start));
    if (item.empty() || item.find_first_of(" \t") != std::string::npos) {
      return false;
    }
    out->push_back(item);
    start = comma + 1;
  }
  return true;
}

}  // namespace

bool ParsePolicy(const std::string& text, Policy* out, std::string* err) {
  Policy p;
  bool pools_seen = false;
  std::size_t pos = 0;
  int lineno = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      nl = text.size();
    }
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++lineno;
    std::size_t hash = line.find('#');
    if (hash != std::string::npos) {
      line.resize(hash);
    }
    line = Trim(line);
    if (line.empty()) {
      continue;
    }
    std::string where = "line " + std::to_string(lineno) + ": ";
    std::size_t eq = line.find('=');
    if (eq == std::string::npos) {
      *err = where + "expected 'key = value'";
      return false;
    }
    std::string key = Trim(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    std::string user;
    std::size_t bracket = key.find('[');
    if (bracket != std::string::npos) {
      if (key.back() != ']' || bracket + 2 >= key.size()) {
        *err = where + "expected 'key[user] = value'";
        return false;
      }
      user = key.substr(bracket + 1, key.size() - bracket - 2);
      key = key.substr(0, bracket);
    }
    if (key == "max_bridges" || key == "max_taps" || key == "max_dnsmasq") {
      unsigned n = 0;
      if (!ParseCount(value, &n)) {
        *err = where;
        *err += key + " needs a number, got '" + value + "'";
        return false;
      }
      Quotas* q = &p.quotas;
      if (!user.empty()) {
        if (p.per_user.count(user) == 0) {
          p.per_user[user] = p.quotas;
        }
        q = &p.per_user[user];
      }
      (key == "max_bridges" ? q->max_bridges
       : key == "max_taps"  ? q->max_taps
                            : q->max_dnsmasq) = n;
    } else if (!user.empty()) {
      *err = where + "only max_* keys take a [user] override";
      return false;
    } else if (key == "allow_users" || key == "allow_groups") {
      if (!ParseNameList(value, key == "allow_users" ? &p.allow_users : &p.allow_groups)) {
        *err = where + key + " needs a comma-separated list of names or ids";
        return false;
      }
    } else if (key == "pool") {
      Cidr c;
      std::string cerr;
      if (!ParseCidr(value, &c, &cerr)) {
        *err = where;
        *err += "pool: " + cerr;
        return false;
      }
      if (NetworkOf(c) != c.addr) {
        *err = where;
        *err += "pool " + value + " has host bits set";
        return false;
      }
      if (!pools_seen) {
        p.pools.clear();
      }
      pools_seen = true;
      p.pools.push_back(c);
    } else {
      *err = where;
      *err += "unknown key '" + key + "'";
      return false;
    }
  }
  *out = p;
  return true;
}

bool LoadPolicyFile(const std::string& path, Policy* out, std::string* err) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) {
      *out = Policy{};
      return true;
    }
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    *err = path + ": not a regular file";
    return false;
  }
  if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    close(fd);
    *err = path + ": refused: must be owned by root and not group- or world-writable";
    return false;
  }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxPolicyBytes) {
      break;
    }
  }
  close(fd);
  if (n < 0 || text.size() > kMaxPolicyBytes) {
    *err = path + ": cannot read (or larger than 1 MiB)";
    return false;
  }
  std::string perr;
  if (!ParsePolicy(text, out, &perr)) {
    *err = path + ": " + perr;
    return false;
  }
  return true;
}

bool CallerAllowed(const Policy& p, const Caller& c) {
  if (p.allow_users.empty() && p.allow_groups.empty()) {
    return true;
  }
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return !s.empty() && std::find(v.begin(), v.end(), s) != v.end();
  };
  if (has(p.allow_users, c.user) || has(p.allow_users, std::to_string(c.uid))) {
    return true;
  }
  for (gid_t g : c.gids) {
    if (has(p.allow_groups, std::to_string(g))) {
      return true;
    }
  }
  for (const std::string& g : c.groups) {
    if (has(p.allow_groups, g)) {
      return true;
    }
  }
  return false;
}

Quotas EffectiveQuotas(const Policy& p, const Caller& c) {
  auto it = p.per_user.find(std::to_string(c.uid));
  if (it == p.per_user.end() && !c.user.empty()) {
    it = p.per_user.find(c.user);
  }
  return it == p.per_user.end() ? p.quotas : it->second;
}

}  // namespace qc::netd
