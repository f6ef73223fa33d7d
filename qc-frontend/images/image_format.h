// What an image file is, read from its first bytes by our own code (QEMU
// never probes): qcow2 (version 2 or 3) or raw are accepted; every other
// format we know the signature of is named and refused. A qcow2 header that
// refers to another file (backing file, external data file), is encrypted,
// uses features we do not know, or claims a huge virtual size is refused
// before any other program opens the image.
#pragma once

#include <cstdint>
#include <string>

namespace qc::images {

// The largest virtual size accepted for an image (4 TiB): a qcow2 header can
// claim exabytes, and QEMU sizes its tables from that.
inline constexpr std::uint64_t kMaxVirtualSize = std::uint64_t{4} << 40;

struct ImageFacts {
  std::string format;  // "qcow2" or "raw"
  std::uint64_t virtual_size = 0;
  std::uint64_t file_size = 0;
};

// Reads the header of the image at path. false + *reason (a phrase such as
// "has a backing file '/etc/shadow'") if it is refused or unreadable.
bool ReadImageFacts(const std::string& path, ImageFacts* facts, std::string* reason);

// The same checks on bytes already in memory (the first bytes of the file,
// at least 64 KiB when the file is that long), for tests and the fuzzer.
bool ImageFactsFromHeader(const std::string& head, std::uint64_t file_size, ImageFacts* facts,
                          std::string* reason);

// The backing file name written in a qcow2 overlay's header ("" if none or
// not a qcow2 file): how the cache tells whether an overlay still uses an
// image.
std::string Qcow2BackingFile(const std::string& path);

}  // namespace qc::images
