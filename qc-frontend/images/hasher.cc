#include "images/hasher.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace qc::images {
namespace {

std::string Hex(const std::uint8_t* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

constexpr std::size_t kReadChunk = 1 << 20;

}  // namespace

Hasher::Hasher(DigestAlgo algo) : algo_(algo) {
  if (algo_ == DigestAlgo::kSha256) {
    sha256_init(&sha256_);
  } else {
    sha512_init(&sha512_);
  }
}

void Hasher::Update(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  if (algo_ == DigestAlgo::kSha256) {
    sha256_update(&sha256_, size, bytes);
  } else {
    sha512_update(&sha512_, size, bytes);
  }
}

Digest Hasher::Finish() {
  Digest d;
  d.algo = algo_;
  if (algo_ == DigestAlgo::kSha256) {
    std::uint8_t out[SHA256_DIGEST_SIZE];
    sha256_digest(&sha256_, sizeof(out), out);
    d.hex = Hex(out, sizeof(out));
  } else {
    std::uint8_t out[SHA512_DIGEST_SIZE];
    sha512_digest(&sha512_, sizeof(out), out);
    d.hex = Hex(out, sizeof(out));
  }
  return d;
}

bool HashPrefix(int fd, std::uint64_t bytes, Hasher* hasher, std::string* error) {
  std::vector<char> buf(kReadChunk);
  std::uint64_t done = 0;
  while (done < bytes) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), bytes - done));
    ssize_t n = pread(fd, buf.data(), want, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      *error = n < 0 ? std::string("read failed: ") + std::strerror(errno) : "file is shorter";
      return false;
    }
    hasher->Update(buf.data(), static_cast<std::size_t>(n));
    done += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool HashFile(const std::string& path, DigestAlgo algo, Digest* out, std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  Hasher hasher(algo);
  std::vector<char> buf(kReadChunk);
  bool ok = true;
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      *error = "cannot read " + path + ": " + std::strerror(errno);
      ok = false;
      break;
    }
    if (n == 0) {
      break;
    }
    hasher.Update(buf.data(), static_cast<std::size_t>(n));
  }
  close(fd);
  if (ok) {
    *out = hasher.Finish();
  }
  return ok;
}

}  // namespace qc::images
