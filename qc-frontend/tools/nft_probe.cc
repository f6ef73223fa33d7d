#include "nft_probe.h"

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "subprocess.h"

namespace qc::tools {
namespace {

int GenCallback(const nlmsghdr* nlh, void* data) {
  nftnl_gen* gen = nftnl_gen_alloc();
  if (gen == nullptr) {
    return MNL_CB_ERROR;
  }
  if (nftnl_gen_nlmsg_parse(nlh, gen) == 0 && nftnl_gen_is_set(gen, NFTNL_GEN_ID)) {
    *static_cast<std::uint32_t*>(data) = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
  }
  nftnl_gen_free(gen);
  return MNL_CB_OK;
}

// 0 and the ruleset generation on success, otherwise the errno.
int GetGeneration(std::uint32_t* gen_id) {
  mnl_socket* nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
  if (nl == nullptr) {
    return errno;
  }
  int result = 0;
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    result = errno;
  } else {
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    std::uint32_t seq = 1;
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf.data(), NFT_MSG_GETGEN, AF_UNSPEC, 0, seq);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
      result = errno;
    } else {
      std::uint32_t portid = mnl_socket_get_portid(nl);
      ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
      if (n < 0) {
        result = errno;
      } else if (mnl_cb_run(buf.data(), static_cast<std::size_t>(n), seq, portid, GenCallback,
                            gen_id) < 0) {
        result = errno != 0 ? errno : EPROTO;
      }
    }
  }
  mnl_socket_close(nl);
  return result;
}

// Runs GetGeneration in a new user+network namespace (unshare needs a
// process of its own; doctor has no other threads, so the child may allocate). Returns its errno,
// or -1 if such a namespace cannot be made here.
int GetGenerationInOwnNamespace() {
  std::string err;
  pid_t pid = ForkCall(
      [] {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
          return 255;
        }
        std::uint32_t gen = 0;
        int e = GetGeneration(&gen);
        return e > 254 ? 254 : e;
      },
      &err);
  if (pid < 0) {
    return -1;
  }
  ExitStatus status = Wait(pid);
  if (!status.Exited() || status.code == 255) {
    return -1;
  }
  return status.code;
}

bool Unsupported(int err) {
  return err == EOPNOTSUPP || err == EPROTONOSUPPORT || err == ENOENT || err == EAFNOSUPPORT;
}

}  // namespace

CheckResult CheckNfTables() {
  CheckResult r{"nftables", Level::kOk, "", ""};
  const std::string fix = "sudo modprobe nf_tables (the kernel needs CONFIG_NF_TABLES)";
  std::uint32_t gen = 0;
  int err = GetGeneration(&gen);
  if (err == 0) {
    r.detail = "nf_tables answers (ruleset generation " + std::to_string(gen) + ")";
    return r;
  }
  if (err == EPERM) {
    int ns_err = GetGenerationInOwnNamespace();
    if (ns_err == 0) {
      r.detail = "nf_tables answers (checked in a private user namespace)";
      return r;
    }
    if (ns_err > 0 && Unsupported(ns_err)) {
      r.level = Level::kFail;
      r.detail = std::string("the kernel has no nf_tables: ") + std::strerror(ns_err);
      r.fix = fix;
      return r;
    }
    struct stat st {};
    if (stat("/sys/module/nf_tables", &st) == 0) {
      r.detail = "nf_tables module loaded";
      return r;
    }
    r.level = Level::kWarn;
    r.detail = "cannot check as user (no user namespaces here); the helper needs nf_tables for NAT";
    r.fix =
        "run `sudo nft list tables`: an error about 'Protocol not supported' means no nf_tables";
    return r;
  }
  r.level = Unsupported(err) ? Level::kFail : Level::kWarn;
  r.detail = std::string("nfnetlink query failed: ") + std::strerror(err);
  r.fix = fix;
  return r;
}

}  // namespace qc::tools
