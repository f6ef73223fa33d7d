#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "handlers/handlers.h"
#include "seqpacket.h"

namespace qc::netd {

// What a failed open or TUNSETIFF/TUNSETOWNER/TUNSETGROUP errno means to the caller.
static Status TapStatus(int e) {
  switch (e) {
    case EBUSY:  // IFF_TUN_EXCL: the name is taken
    case EEXIST:
      return CONFLICT;
    case EPERM:  // /dev/net/tun closed to this user, or no CAP_NET_ADMIN
    case EACCES:
      return PERMISSION_DENIED;
    default:  // ENOENT/ENODEV (no tun driver), ENOMEM, EMFILE, ...
      return INTERNAL;
  }
}

// Opens `queues` fds of a new, non-persistent TAP owned by uid/gid. On
// failure no fd stays open, so the TAP is gone again; *status says why.
static bool OpenTap(const std::string& name, unsigned queues, uid_t uid, gid_t gid,
                    std::vector<int>* fds, Status* status, std::string* err) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());  // size checked by IsValidTapName
  // IFF_TUN_EXCL: the first queue never attaches to an existing (someone
  // else's) TAP; the other queues attach to the new one.
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL;
  ifr.ifr_flags |= queues > 1 ? IFF_MULTI_QUEUE : 0;
  for (unsigned q = 0; q < queues; ++q) {
    // Opened with the caller's own rights: the helper has no DAC override.
    const int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
      fds->push_back(fd);
    }
    if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) != 0 ||
        (q == 0 && (ioctl(fd, TUNSETOWNER, static_cast<unsigned long>(uid)) != 0 ||
                    ioctl(fd, TUNSETGROUP, static_cast<unsigned long>(gid)) != 0))) {
      const int e = errno;
      *status = TapStatus(e);
      *err =
          "TAP " + name + ": " +
          (e == EBUSY ? "a link of that name already exists (a TAP lives while an fd of it is open)"
                      : std::strerror(e));
      CloseAll(fds);
      return false;
    }
    ifr.ifr_flags &= ~IFF_TUN_EXCL;
  }
  return true;
}

void HandleCreateTap(Session& s, const CreateTap& req, Reply* r, std::vector<int>* fds) {
  const std::string& name = req.name();
  const unsigned queues = req.queues() == 0 ? 1 : req.queues();
  std::vector<LinkInfo> links;
  std::string err;
  if (!CheckName(name, true, r)) {
    return;
  }
  if (queues > kMaxFdsPerMessage) {
    return SetReply(r, INVALID_ARGUMENT,
                    "at most " + std::to_string(kMaxFdsPerMessage) + " queues");
  }
  const LinkInfo* bridge = FindOwned(s, req.bridge(), false, &links, r);
  if (bridge == nullptr) {
    return;
  }
  const int master = bridge->ifindex;
  if (!CheckQuota(s, links, true, 1, r)) {
    return;
  }
  Status failed = INTERNAL;
  if (!OpenTap(name, queues, s.caller.uid, s.caller.gids[0], fds, &failed, &err)) {
    return SetReply(r, failed, err);
  }
  // Closing the fds now removes the TAP. Hardened, then alias, master and up; then re-check
  // the quota (another helper of this user may have raced us past it).
  const LinkInfo* tap = LoadLinks(s, &links, r) ? FindLink(links, name) : nullptr;
  if (tap == nullptr || !IgnoreGuestConfiguration(name, false, &err) ||
      !ConfigureLink(s.rtnl, tap->ifindex, OwnerAlias(s.caller.uid), master, &err)) {
    CloseAll(fds);
    return SetReply(r, INTERNAL, tap == nullptr ? "TAP " + name + " vanished" : err);
  }
  if (!LoadLinks(s, &links, r) || !CheckQuota(s, links, true, 0, r)) {
    return CloseAll(fds);
  }
  r->mutable_tap()->set_queues(queues);
  SetReply(r, OK, "TAP " + name + " attached to " + req.bridge());
}

}  // namespace qc::netd
