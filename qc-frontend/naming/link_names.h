// Kernel link names and MAC addresses derived from a project. Names are at
// most 15 chars (IFNAMSIZ - 1) and match the helper's rules
// (qc-[a-z0-9-]{1,12}, tap-[a-z0-9-]{1,11}). The hash covers the uid and the
// absolute project directory, so look-alike projects and users never collide.
#pragma once

#include <sys/types.h>
#include <string>

namespace qc::naming {

struct Owner {
  uid_t uid = 0;
  std::string project_dir;  // absolute
};

// "qc-" + 6 hex + "-" + up to 5 chars of the network name.
std::string BridgeName(const Owner& owner, const std::string& network);
// "tap-" + 5 hex + "-" + up to 5 chars of the VM name; nic_index is the NIC.
std::string TapName(const Owner& owner, const std::string& vm, int nic_index);
// "52:54:00:" + first 3 bytes of MD5("<project>-<vm>-<index>").
std::string MacAddress(const std::string& project, const std::string& vm, int nic_index);
// Lower-case, '_' and anything outside [a-z0-9-] become '-', cut to max_len.
std::string SanitizeForLink(const std::string& name, std::size_t max_len);

}  // namespace qc::naming
