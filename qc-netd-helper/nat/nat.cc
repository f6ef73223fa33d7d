// The rules of nat.h, built with libnftnl and sent with libmnl. Every bridge has
// two base chains of its own in table "ip qemu_compose", so a change never
// reads or touches another bridge's rules and needs no rule handles: one
// nftables transaction (applied whole or not at all, so concurrent helpers
// cannot interleave) creates the chains if missing, empties them and adds the
// rules; another deletes them. Order between the chains does not matter: a drop
// in any base chain is final, an accept only ends that chain.
#include "nat/nat.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "names.h"

namespace qc::netd {
namespace {

constexpr char kTable[] = "qemu_compose";
constexpr size_t kBatchBytes = 1 << 14;  // far more than one bridge's messages need

struct Free {
  void operator()(nftnl_table* t) const { nftnl_table_free(t); }
  void operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
  void operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

// libnftnl fails only on allocation, which aborts here as everywhere in the helper.
template <typename T>
T* Must(T* p) {
  if (p == nullptr) {
    std::abort();
  }
  return p;
}

// One expression attribute: a u32, or `len` bytes at `data`.
struct Attr {
  uint16_t type;
  uint32_t u32;
  const void* data = nullptr;
  uint32_t len = 0;
};

void Expr(nftnl_rule* r, const char* name, std::initializer_list<Attr> attrs) {
  nftnl_expr* e = Must(nftnl_expr_alloc(name));
  for (const Attr& a : attrs) {
    nftnl_expr_set(e, a.type, a.data != nullptr ? a.data : &a.u32, a.data != nullptr ? a.len : 4);
  }
  nftnl_rule_add_expr(r, e);  // r owns e from here on
}

// reg 1 = meta iifname/oifname, compared with `len` bytes of the zero-padded name
// (IFNAMSIZ for an exact name, as nft does; fewer for a prefix like "qc-*").
void Ifname(nftnl_rule* r, uint32_t key, uint32_t op, const std::string& name,
            uint32_t len = IFNAMSIZ) {
  char buf[IFNAMSIZ] = {};
  name.copy(buf, IFNAMSIZ - 1);  // at most 15 bytes: stays NUL-terminated
  Expr(r, "meta", {{NFTNL_EXPR_META_KEY, key}, {NFTNL_EXPR_META_DREG, NFT_REG_1}});
  Expr(r, "cmp",
       {{NFTNL_EXPR_CMP_SREG, NFT_REG_1},
        {NFTNL_EXPR_CMP_OP, op},
        {NFTNL_EXPR_CMP_DATA, 0, buf, len}});
}

// reg 1 = (reg 1 & mask), then compared with `value` by `op`.
void MaskedCmp(nftnl_rule* r, uint32_t mask, uint32_t op, uint32_t value) {
  const uint32_t zero = 0;
  Expr(r, "bitwise",
       {{NFTNL_EXPR_BITWISE_SREG, NFT_REG_1},
        {NFTNL_EXPR_BITWISE_DREG, NFT_REG_1},
        {NFTNL_EXPR_BITWISE_LEN, 4},
        {NFTNL_EXPR_BITWISE_MASK, 0, &mask, 4},
        {NFTNL_EXPR_BITWISE_XOR, 0, &zero, 4}});
  Expr(r, "cmp",
       {{NFTNL_EXPR_CMP_SREG, NFT_REG_1},
        {NFTNL_EXPR_CMP_OP, op},
        {NFTNL_EXPR_CMP_DATA, 0, &value, 4}});
}

// ip saddr SUBNET (reg 1 = the IPv4 source address, masked).
void SourceIn(nftnl_rule* r, uint32_t subnet_be, uint32_t mask_be) {
  Expr(r, "payload",
       {{NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER},
        {NFTNL_EXPR_PAYLOAD_OFFSET, 12},  // iphdr.saddr
        {NFTNL_EXPR_PAYLOAD_LEN, 4},
        {NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1}});
  MaskedCmp(r, mask_be, NFT_CMP_EQ, subnet_be);
}

void Verdict(nftnl_rule* r, uint32_t verdict) {
  Expr(r, "immediate", {{NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT}, {NFTNL_EXPR_IMM_VERDICT, verdict}});
}

Ptr<nftnl_table> Table() {
  Ptr<nftnl_table> t(Must(nftnl_table_alloc()));
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, kTable);
  return t;
}

std::string ChainName(const std::string& bridge, bool nat) {
  return bridge + (nat ? "-postrouting" : "-forward");
}

// The bridge's nat postrouting chain or filter forward chain; with `hook`, as
// a base chain (for creating it), else only its name.
Ptr<nftnl_chain> Chain(const std::string& bridge, bool nat, bool hook) {
  Ptr<nftnl_chain> c(Must(nftnl_chain_alloc()));
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, kTable);
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, ChainName(bridge, nat).c_str());
  if (hook) {
    nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, nat ? NF_INET_POST_ROUTING : NF_INET_FORWARD);
    nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, nat ? 100 : 0);  // srcnat : filter
    nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_POLICY, NF_ACCEPT);
    nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, nat ? "nat" : "filter");
  }
  return c;
}

// An empty rule in the bridge's chain: as it is, a DELRULE of it empties the chain.
Ptr<nftnl_rule> Rule(const std::string& bridge, bool nat) {
  Ptr<nftnl_rule> r(Must(nftnl_rule_alloc()));
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, kTable);
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, ChainName(bridge, nat).c_str());
  return r;
}

// The six rules of nat.h, in its order.
std::vector<Ptr<nftnl_rule>> Rules(const std::string& bridge, uint32_t subnet_be,
                                   uint32_t mask_be) {
  std::vector<Ptr<nftnl_rule>> v;
  // ip saddr SUBNET oifname != BRIDGE masquerade
  nftnl_rule* r = v.emplace_back(Rule(bridge, true)).get();
  SourceIn(r, subnet_be, mask_be);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, bridge);
  Expr(r, "masq", {});
  // iifname BRIDGE oifname "qc-*" oifname != BRIDGE drop
  r = v.emplace_back(Rule(bridge, false)).get();
  Ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, "qc-", 3);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, bridge);
  Verdict(r, NF_DROP);
  // iifname BRIDGE ip saddr SUBNET accept
  r = v.emplace_back(Rule(bridge, false)).get();
  Ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
  SourceIn(r, subnet_be, mask_be);
  Verdict(r, NF_ACCEPT);
  // iifname BRIDGE drop: a source the guest made up (anti-spoofing)
  r = v.emplace_back(Rule(bridge, false)).get();
  Ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
  Verdict(r, NF_DROP);
  // oifname BRIDGE ct state established,related accept
  r = v.emplace_back(Rule(bridge, false)).get();
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge);
  Expr(r, "ct", {{NFTNL_EXPR_CT_KEY, NFT_CT_STATE}, {NFTNL_EXPR_CT_DREG, NFT_REG_1}});
  MaskedCmp(r, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), NFT_CMP_NEQ, 0);
  Verdict(r, NF_ACCEPT);
  // oifname BRIDGE drop
  r = v.emplace_back(Rule(bridge, false)).get();
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge);
  Verdict(r, NF_DROP);
  return v;
}

// Sends `len` bytes on a fresh nf_tables socket and reads the replies until an
// ack or an error (errno set). seq 0 skips sequence checks (batch replies).
bool Exchange(const void* buf, size_t len, uint32_t seq) {
  const std::unique_ptr<mnl_socket, int (*)(mnl_socket*)> nl(mnl_socket_open(NETLINK_NETFILTER),
                                                             mnl_socket_close);
  if (!nl || mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) != 0 ||
      mnl_socket_sendto(nl.get(), buf, len) < 0) {
    return false;
  }
  std::vector<char> rx(MNL_SOCKET_BUFFER_SIZE);
  int ret = MNL_CB_OK;
  while (ret == MNL_CB_OK) {
    const ssize_t n = mnl_socket_recvfrom(nl.get(), rx.data(), rx.size());
    ret = n < 0 ? MNL_CB_ERROR
                : mnl_cb_run(rx.data(), n, seq, mnl_socket_get_portid(nl.get()), nullptr, nullptr);
  }
  return ret == MNL_CB_STOP;
}

// Sends one transaction: the messages `fill` adds through put(type, flags,
// build_payload, object). Only the last asks for an ack: the kernel reports
// any error before it, so the first reply decides. Returns 0 or an errno.
template <typename Fill>
int Transact(Fill fill) {
  std::vector<char> buf(2 * kBatchBytes);  // headroom for the message that overflows
  mnl_nlmsg_batch* b = mnl_nlmsg_batch_start(buf.data(), kBatchBytes);
  auto cur = [&] { return static_cast<char*>(mnl_nlmsg_batch_current(b)); };
  uint32_t seq = 0;
  nftnl_batch_begin(cur(), ++seq);
  bool fits = mnl_nlmsg_batch_next(b);
  nlmsghdr* last = nullptr;
  fill([&](uint16_t type, uint16_t flags, auto build_payload, auto* object) {
    last = nftnl_nlmsg_build_hdr(cur(), type, NFPROTO_IPV4, flags, ++seq);
    build_payload(last, object);
    fits = mnl_nlmsg_batch_next(b) && fits;
  });
  last->nlmsg_flags |= NLM_F_ACK;
  nftnl_batch_end(cur(), ++seq);
  fits = mnl_nlmsg_batch_next(b) && fits;
  const bool ok = fits && Exchange(mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), 0);
  const int e = fits ? errno : E2BIG;
  mnl_nlmsg_batch_stop(b);
  return ok ? 0 : e;
}

bool Failed(const std::string& what, int e, std::string* err) {
  *err = what + (e == 0 ? "" : std::string(": ") + std::strerror(e));
  return false;
}

}  // namespace

bool NatEnable(const std::string& bridge, const ipv4::Cidr& subnet, std::string* err) {
  if (!IsValidBridgeName(bridge)) {
    return Failed("invalid bridge name " + Quoted(bridge) + " (want qc-[a-z0-9-]{1,12})", 0, err);
  }
  if (std::string why = ipv4::CheckSubnet(subnet); !why.empty()) {
    return Failed(why, 0, err);
  }
  const uint32_t subnet_be = htonl(subnet.addr);
  const uint32_t mask_be = htonl(ipv4::PrefixMask(subnet.prefix));
  const Ptr<nftnl_table> table = Table();
  const Ptr<nftnl_chain> chains[] = {Chain(bridge, false, true), Chain(bridge, true, true)};
  const Ptr<nftnl_rule> flush[] = {Rule(bridge, false), Rule(bridge, true)};
  const std::vector<Ptr<nftnl_rule>> rules = Rules(bridge, subnet_be, mask_be);
  // NLM_F_CREATE without EXCL: what exists is kept, then emptied and refilled.
  const int e = Transact([&](auto put) {
    put(NFT_MSG_NEWTABLE, NLM_F_CREATE, nftnl_table_nlmsg_build_payload, table.get());
    for (int i = 0; i < 2; ++i) {
      put(NFT_MSG_NEWCHAIN, NLM_F_CREATE, nftnl_chain_nlmsg_build_payload, chains[i].get());
      put(NFT_MSG_DELRULE, 0, nftnl_rule_nlmsg_build_payload, flush[i].get());
    }
    for (const Ptr<nftnl_rule>& r : rules) {
      put(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, nftnl_rule_nlmsg_build_payload, r.get());
    }
  });
  return e == 0 || Failed("nftables: cannot enable NAT for " + bridge, e, err);
}

bool NatDisable(const std::string& bridge, std::string* err) {
  if (!IsValidBridgeName(bridge)) {
    return Failed("invalid bridge name " + Quoted(bridge) + " (want qc-[a-z0-9-]{1,12})", 0, err);
  }
  const Ptr<nftnl_table> table = Table();
  const Ptr<nftnl_chain> chains[] = {Chain(bridge, false, false), Chain(bridge, true, false)};
  // Creating the chains first (a regular chain where none exists) makes
  // deleting them, with their rules, succeed whether or not they existed.
  const int e = Transact([&](auto put) {
    put(NFT_MSG_NEWTABLE, NLM_F_CREATE, nftnl_table_nlmsg_build_payload, table.get());
    for (const Ptr<nftnl_chain>& c : chains) {
      put(NFT_MSG_NEWCHAIN, NLM_F_CREATE, nftnl_chain_nlmsg_build_payload, c.get());
      put(NFT_MSG_DELCHAIN, 0, nftnl_chain_nlmsg_build_payload, c.get());
    }
  });
  if (e != 0) {
    return Failed("nftables: cannot disable NAT for " + bridge, e, err);
  }
  // The last bridge leaves no table: NLM_F_NONREC deletes it only while it is
  // empty (EBUSY: another bridge still has chains there).
  const int gone = Transact([&](auto put) {
    put(NFT_MSG_DELTABLE, NLM_F_NONREC, nftnl_table_nlmsg_build_payload, table.get());
  });
  return gone == 0 || gone == EBUSY || gone == ENOENT ||
         Failed("nftables: cannot delete the empty table", gone, err);
}

bool NatIsEnabled(const std::string& bridge) {
  if (!IsValidBridgeName(bridge)) {
    return false;
  }
  for (bool nat : {false, true}) {
    char buf[MNL_SOCKET_BUFFER_SIZE];
    const Ptr<nftnl_chain> c = Chain(bridge, nat, false);
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_IPV4, NLM_F_ACK, 1);
    nftnl_chain_nlmsg_build_payload(nlh, c.get());
    if (!Exchange(nlh, nlh->nlmsg_len, 1)) {
      return false;
    }
  }
  return true;
}

}  // namespace qc::netd
