#include "tap.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace qc::netd {

void CloseAll(std::vector<int>* fds) {
  for (int fd : *fds) {
    close(fd);
  }
  fds->clear();
}

bool OpenTap(const std::string& name, unsigned queues, uid_t uid, gid_t gid, std::vector<int>* fds,
             std::string* err) {
  fds->clear();
  for (unsigned q = 0; q < queues; ++q) {
    // Opened with the caller's own rights: the helper has no DAC override.
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      *err = std::string("open /dev/net/tun: ") + std::strerror(errno);
      CloseAll(fds);
      return false;
    }
    fds->push_back(fd);
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, name.c_str(), name.size());  // size checked by IsValidTapName
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (queues > 1) {
      ifr.ifr_flags |= IFF_MULTI_QUEUE;
    }
    if (q == 0) {
      ifr.ifr_flags |= IFF_TUN_EXCL;
    }
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
      *err = "TUNSETIFF " + name + ": " +
             (errno == EBUSY ? "a device of that name already exists" : std::strerror(errno));
      CloseAll(fds);
      return false;
    }
    if (q == 0 && (ioctl(fd, TUNSETOWNER, static_cast<unsigned long>(uid)) != 0 ||
                   ioctl(fd, TUNSETGROUP, static_cast<unsigned long>(gid)) != 0)) {
      *err = std::string("TUNSETOWNER/TUNSETGROUP: ") + std::strerror(errno);
      CloseAll(fds);
      return false;
    }
  }
  return true;
}

}  // namespace qc::netd
