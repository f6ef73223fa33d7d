#include "link_names.h"

#include <cstdio>

#include "digest.h"

namespace qc::naming {
namespace {

std::string OwnerHash(const Owner& owner, const std::string& kind, const std::string& name,
                      int index, std::size_t hex_len) {
  // NUL separators: no two different tuples give the same input.
  std::string input = std::to_string(owner.uid);
  input.push_back('\0');
  input += owner.project_dir;
  input.push_back('\0');
  input += kind;
  input.push_back('\0');
  input += name;
  input.push_back('\0');
  input += std::to_string(index);
  return Sha256Hex(input).substr(0, hex_len);
}

std::string Join(const std::string& prefix, const std::string& hash, const std::string& suffix) {
  return suffix.empty() ? prefix + hash : prefix + hash + "-" + suffix;
}

}  // namespace

std::string SanitizeForLink(const std::string& name, std::size_t max_len) {
  std::string out;
  for (char c : name) {
    if (out.size() >= max_len) {
      break;
    }
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    out.push_back(ok ? c : '-');
  }
  return out;
}

std::string BridgeName(const Owner& owner, const std::string& network) {
  return Join("qc-", OwnerHash(owner, "network", network, 0, 6), SanitizeForLink(network, 5));
}

std::string TapName(const Owner& owner, const std::string& vm, int nic_index) {
  return Join("tap-", OwnerHash(owner, "vm", vm, nic_index, 5), SanitizeForLink(vm, 5));
}

std::string MacAddress(const std::string& project, const std::string& vm, int nic_index) {
  auto md5 = Md5(project + "-" + vm + "-" + std::to_string(nic_index));
  char buf[18];
  (void)std::snprintf(buf, sizeof(buf), "52:54:00:%02x:%02x:%02x", md5[0], md5[1], md5[2]);
  return buf;
}

}  // namespace qc::naming
