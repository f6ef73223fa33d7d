#include "images/image_format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace qc::images {
namespace {

using namespace std::string_view_literals;

constexpr std::size_t kHeadBytes = std::size_t{64} * 1024;
constexpr std::uint32_t kQcowMagic = 0x514649fb;  // "QFI\xfb"
constexpr std::uint64_t kIncompatDataFile = 1U << 2;
constexpr std::uint64_t kIncompatKnown =
    0x1f;  // dirty, corrupt, data file, compression, extended L2
constexpr std::uint32_t kExtEnd = 0;
constexpr std::uint32_t kExtDataFile = 0x44415441;
constexpr std::size_t kMaxNameShown = 200;

std::uint32_t Be32(std::string_view b, std::size_t off) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<unsigned char>(b[off + i]);
  }
  return v;
}

std::uint64_t Be64(std::string_view b, std::size_t off) {
  return (std::uint64_t{Be32(b, off)} << 32) | Be32(b, off + 4);
}

// A file name from the header, printable, shortened for a message.
std::string Shown(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, kMaxNameShown)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  return out + (name.size() > kMaxNameShown ? "..." : "");
}

// Formats whose files can name other files, or that we do not run: named by
// their signatures (the ones QEMU's own probes look for).
std::string ForeignFormat(std::string_view head) {
  struct Sig {
    std::size_t offset;
    std::string_view bytes;
    const char* name;
  };
  static constexpr Sig kSigs[] = {
      {0, "KDMV"sv, "vmdk"},
      {0, "COWD"sv, "vmdk"},
      {0, "vhdxfile"sv, "vhdx"},
      {0, "conectix"sv, "vpc (vhd)"},
      {0, "QED\0"sv, "qed"},
      {0, "LUKS\xba\xbe"sv, "luks"},
      {0, "WithoutFreeSpace"sv, "parallels"},
      {0, "WithouFreSpacExt"sv, "parallels"},
      {0, "Bochs Virtual HD Image"sv, "bochs"},
      {0, "#!/bin/sh\n#V2.0 Format"sv, "cloop"},
      {0, "<<< Oracle VM VirtualBox Disk Image >>>"sv, "vdi"},
      {64, "\x7f\x10\xda\xbe"sv, "vdi"},
  };
  for (const Sig& s : kSigs) {
    if (head.size() >= s.offset + s.bytes.size() &&
        head.substr(s.offset, s.bytes.size()) == s.bytes) {
      return s.name;
    }
  }
  // A vmdk descriptor is text and names its extents (host files).
  std::string_view text = head.substr(0, 1024);
  if (text.find("# Disk DescriptorFile") != std::string_view::npos ||
      text.find("createType=") != std::string_view::npos) {
    return "vmdk (descriptor)";
  }
  return "";
}

// Walks the qcow2 header extensions; false + reason on a malformed list.
bool FindDataFileExtension(std::string_view head, std::size_t start, std::string* data_file,
                           std::string* reason) {
  std::size_t off = start;
  for (int n = 0; n < 1024; ++n) {
    if (off + 8 > head.size()) {
      return true;  // beyond what we read: QEMU reads extensions from the first cluster only
    }
    std::uint32_t type = Be32(head, off);
    std::uint32_t len = Be32(head, off + 4);
    if (type == kExtEnd) {
      return true;
    }
    if (len > head.size() || off + 8 + len > head.size()) {
      *reason = "has a malformed qcow2 header extension";
      return false;
    }
    if (type == kExtDataFile) {
      *data_file = std::string(head.substr(off + 8, len));
      return true;
    }
    off += 8 + ((std::size_t{len} + 7) & ~std::size_t{7});
  }
  *reason = "has too many qcow2 header extensions";
  return false;
}

bool Qcow2Facts(std::string_view head, std::uint64_t file_size, ImageFacts* facts,
                std::string* reason) {
  if (head.size() < 72) {
    *reason = "has a truncated qcow2 header";
    return false;
  }
  std::uint32_t version = Be32(head, 4);
  if (version == 1) {
    *reason = "is in the old qcow (version 1) format; only qcow2 and raw are accepted";
    return false;
  }
  if (version != 2 && version != 3) {
    *reason = "has an unknown qcow2 version " + std::to_string(version);
    return false;
  }
  std::uint64_t backing_off = Be64(head, 8);
  std::uint32_t backing_len = Be32(head, 16);
  if (backing_off != 0) {
    std::string name = "?";
    if (backing_len > 0 && backing_len <= 1023 && backing_off + backing_len <= head.size()) {
      name = Shown(head.substr(backing_off, backing_len));
    }
    *reason = "has a backing file '" + name + "' (images must be self-contained)";
    return false;
  }
  std::uint32_t cluster_bits = Be32(head, 20);
  if (cluster_bits < 9 || cluster_bits > 21) {
    *reason = "has an invalid qcow2 cluster size";
    return false;
  }
  if (Be32(head, 32) != 0) {
    *reason = "is encrypted (not supported)";
    return false;
  }
  std::uint64_t incompatible = 0;
  std::size_t extensions = 72;
  if (version == 3) {
    if (head.size() < 104) {
      *reason = "has a truncated qcow2 header";
      return false;
    }
    incompatible = Be64(head, 72);
    std::uint32_t header_length = Be32(head, 100);
    if (header_length < 104 || header_length > head.size()) {
      *reason = "has an invalid qcow2 header length";
      return false;
    }
    extensions = header_length;
  }
  std::string data_file;
  if (!FindDataFileExtension(head, extensions, &data_file, reason)) {
    return false;
  }
  if ((incompatible & kIncompatDataFile) != 0 || !data_file.empty()) {
    *reason = "has an external data file" +
              (data_file.empty() ? "" : " '" + Shown(data_file) + "'") +
              " (images must be self-contained)";
    return false;
  }
  if ((incompatible & ~kIncompatKnown) != 0) {
    *reason = "uses qcow2 features this version does not know";
    return false;
  }
  std::uint64_t size = Be64(head, 24);
  if (size > kMaxVirtualSize) {
    *reason = "claims a virtual size of " + std::to_string(size) + " bytes (more than 4 TiB)";
    return false;
  }
  facts->format = "qcow2";
  facts->virtual_size = size;
  facts->file_size = file_size;
  return true;
}

bool ReadHead(const std::string& path, std::string* head, std::uint64_t* size,
              std::string* reason) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *reason = std::string("cannot be opened: ") + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    *reason = "is not a regular file";
    return false;
  }
  head->resize(kHeadBytes);
  std::size_t got = 0;
  while (got < head->size()) {
    ssize_t n = pread(fd, head->data() + got, head->size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      close(fd);
      *reason = std::string("cannot be read: ") + std::strerror(errno);
      return false;
    }
    if (n == 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  close(fd);
  head->resize(got);
  *size = static_cast<std::uint64_t>(st.st_size);
  return true;
}

}  // namespace

bool ImageFactsFromHeader(const std::string& head, std::uint64_t file_size, ImageFacts* facts,
                          std::string* reason) {
  if (file_size == 0) {
    *reason = "is empty";
    return false;
  }
  if (head.size() >= 4 && Be32(head, 0) == kQcowMagic) {
    return Qcow2Facts(head, file_size, facts, reason);
  }
  if (std::string foreign = ForeignFormat(head); !foreign.empty()) {
    *reason = "is in the " + foreign + " format; only qcow2 and raw are accepted";
    return false;
  }
  if (file_size > kMaxVirtualSize) {
    *reason = "is larger than 4 TiB";
    return false;
  }
  facts->format = "raw";
  // QEMU's raw driver rounds a size up to whole 512-byte sectors.
  facts->virtual_size = (file_size + 511) / 512 * 512;
  facts->file_size = file_size;
  return true;
}

bool ReadImageFacts(const std::string& path, ImageFacts* facts, std::string* reason) {
  std::string head;
  std::uint64_t size = 0;
  return ReadHead(path, &head, &size, reason) && ImageFactsFromHeader(head, size, facts, reason);
}

std::string Qcow2BackingFile(const std::string& path) {
  std::string head;
  std::uint64_t size = 0;
  std::string ignored;
  if (!ReadHead(path, &head, &size, &ignored) || head.size() < 72 || Be32(head, 0) != kQcowMagic) {
    return "";
  }
  std::uint64_t off = Be64(head, 8);
  std::uint32_t len = Be32(head, 16);
  if (off == 0 || len == 0 || len > 1023 || off + len > head.size()) {
    return "";
  }
  return head.substr(off, len);
}

}  // namespace qc::images
