#include "tap_check.h"

#include "str_cat.h"

#include <linux/if.h>
#include <linux/if_tun.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace qc::runner {
namespace {

struct SockDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct LinkDeleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

// Name of the master (bridge) of link `name`, or "" if it has none.
bool MasterOf(nl_sock* sk, const std::string& name, std::string* master, std::string* err) {
  rtnl_link* raw = nullptr;
  int rc = rtnl_link_get_kernel(sk, 0, name.c_str(), &raw);
  if (rc < 0) {
    *err = "cannot look up link " + name + ": " + nl_geterror(rc);
    return false;
  }
  LinkPtr link(raw);
  int master_index = rtnl_link_get_master(link.get());
  master->clear();
  if (master_index <= 0) {
    return true;
  }
  rc = rtnl_link_get_kernel(sk, master_index, nullptr, &raw);
  if (rc < 0) {
    *err = "cannot look up the master of " + name + ": " + nl_geterror(rc);
    return false;
  }
  LinkPtr m(raw);
  *master = rtnl_link_get_name(m.get());
  return true;
}

}  // namespace

bool CheckTapFds(const qc::vm::VmSpec& spec, const std::vector<int>& fds, std::string* err) {
  std::unique_ptr<nl_sock, SockDeleter> sk(nl_socket_alloc());
  if (!sk) {
    *err = "out of memory for a netlink socket";
    return false;
  }
  int rc = nl_connect(sk.get(), NETLINK_ROUTE);
  if (rc < 0) {
    *err = "cannot open rtnetlink: " + std::string(nl_geterror(rc));
    return false;
  }
  for (int i = 0; i < spec.nics_size(); ++i) {
    const auto& nic = spec.nics(i);
    if (nic.user_mode()) {
      continue;
    }
    std::string what = "nic " + std::to_string(i);
    for (unsigned idx : nic.tap_fd_index()) {
      ifreq ifr{};
      if (ioctl(fds.at(idx), TUNGETIFF, &ifr) != 0) {
        *err = StrCat(what, ": fd for tap_fd_index ", std::to_string(idx),
                      " is not a TAP device (TUNGETIFF: ", std::strerror(errno), ")");
        return false;
      }
      std::string name(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));
      if ((ifr.ifr_flags & IFF_TAP) == 0) {
        *err = StrCat(what, ": fd for tap_fd_index ", std::to_string(idx), " is a TUN, not a TAP (",
                      name, ")");
        return false;
      }
      if (name != nic.tap_name()) {
        *err = StrCat(what, ": fd for tap_fd_index ", std::to_string(idx), " is TAP ", name,
                      ", but the spec names ", nic.tap_name());
        return false;
      }
      if (nic.tap_fd_index_size() > 1 && (ifr.ifr_flags & IFF_MULTI_QUEUE) == 0) {
        *err = StrCat(what, ": ", std::to_string(nic.tap_fd_index_size()), " fds given but TAP ",
                      name, " is not multiqueue");
        return false;
      }
    }
    std::string master;
    if (!MasterOf(sk.get(), nic.tap_name(), &master, err)) {
      *err = what + ": " + *err;
      return false;
    }
    if (master != nic.bridge()) {
      *err =
          what + ": TAP " + nic.tap_name() + " is " +
          (master.empty() ? std::string("not attached to any bridge") : "attached to " + master) +
          ", but the spec says bridge " + nic.bridge();
      return false;
    }
  }
  return true;
}

}  // namespace qc::runner
