#include "atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

namespace qc::state {
namespace {

std::string ErrnoText(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool WriteAll(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

bool WriteFileAtomic(const std::string& path, const std::string& content, std::string* error,
                     mode_t mode) {
  // A no-op `up` rewrites every state file with what it already holds;
  // skipping those spares a write and an fsync each.
  std::string current, ignored;
  if (ReadWholeFile(path, &current, &ignored) && current == content) {
    return true;
  }
  std::filesystem::path p(path);
  std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  std::string tmp = dir + "/." + p.filename().string() + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = ErrnoText("cannot create", tmp);
    return false;
  }
  bool ok = fchmod(fd, mode) == 0 && WriteAll(fd, content) && fsync(fd) == 0;
  if (!ok) {
    *error = ErrnoText("cannot write", tmp);
  }
  if (close(fd) != 0 && ok) {
    ok = false;
    *error = ErrnoText("cannot close", tmp);
  }
  if (ok && rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    *error = ErrnoText("cannot replace", path);
  }
  if (!ok) {
    unlink(tmp.c_str());
  }
  // No fsync of the directory: the rename is atomic without it, and after a
  // power loss an old but complete file is as good as the new one (every VM,
  // bridge and dnsmasq is gone then anyway; the next `up` repairs). The data
  // fsync above stays: it keeps a crash from leaving an empty file behind.
  return ok;
}

bool WriteFilesAtomic(const std::vector<std::pair<std::string, std::string>>& files,
                      std::vector<std::string>* errors) {
  errors->assign(files.size(), "");
  auto write_one = [&](std::size_t i) {
    std::string err;
    if (!WriteFileAtomic(files[i].first, files[i].second, &err)) {
      (*errors)[i] = err.empty() ? "cannot write " + files[i].first : err;
    }
  };
  constexpr std::size_t kMaxThreads = 32;
  for (std::size_t start = 0; start < files.size(); start += kMaxThreads) {
    std::vector<std::thread> threads;
    std::size_t end = std::min(files.size(), start + kMaxThreads);
    for (std::size_t i = start; i < end; ++i) {
      try {
        threads.emplace_back(write_one, i);
      } catch (const std::system_error&) {
        write_one(i);  // no thread to be had: write it here
      }
    }
    for (auto& t : threads) {
      t.join();
    }
  }
  for (const auto& e : *errors) {
    if (!e.empty()) {
      return false;
    }
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* content, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = ErrnoText("cannot read", path);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *content = ss.str();
  return true;
}

bool MakeDirs(const std::string& path, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    *error = "cannot create directory " + path + ": " + ec.message();
    return false;
  }
  return true;
}

bool RemoveTree(const std::string& path, std::string* error) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) {
    *error = "cannot remove " + path + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace qc::state
