// Netlink side of the NAT rules: read the generation id and this bridge's rule
// handles, then commit deletions and additions as one batch pinned to that
// generation. If another process changed the ruleset in between, the kernel
// refuses the batch with ERESTART and we start over, so concurrent helpers
// never act on a stale view (the same scheme nft itself uses).
#include "nat/nat.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/gen.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "nat/bridge_name.h"
#include "nat/nft_objects.h"

namespace qc::netd {
namespace {

constexpr int kAttempts = 8;            // generation races tolerated before giving up
constexpr size_t kMaxTaggedRules = 64;  // far above the 5 we ever add; bounds the batch
constexpr size_t kRulesPerBridge = 5;

struct RuleRef {
  std::string chain;
  uint64_t handle;
  std::string fingerprint;
};

struct DumpState {
  std::string tag;
  std::vector<RuleRef> found;
  bool overflow = false;
};

class NfSocket {
 public:
  NfSocket() : nl_(mnl_socket_open(NETLINK_NETFILTER)) {
    if (nl_ != nullptr && mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
      mnl_socket_close(nl_);
      nl_ = nullptr;
    }
  }
  ~NfSocket() {
    if (nl_ != nullptr) mnl_socket_close(nl_);
  }
  NfSocket(const NfSocket&) = delete;
  NfSocket& operator=(const NfSocket&) = delete;
  bool ok() const { return nl_ != nullptr; }

  // Sends `len` bytes and runs `cb` on every reply until an ack, NLMSG_DONE or an
  // error. seq 0 skips sequence checks (batch replies carry per-message seqs).
  bool Exchange(const void* buf, size_t len, uint32_t seq, mnl_cb_t cb, void* data) {
    if (mnl_socket_sendto(nl_, buf, len) < 0) return false;
    std::vector<char> rx(MNL_SOCKET_BUFFER_SIZE);
    int ret = 1;
    while (ret > 0) {
      const ssize_t n = mnl_socket_recvfrom(nl_, rx.data(), rx.size());
      if (n < 0) return false;
      ret = mnl_cb_run(rx.data(), n, seq, mnl_socket_get_portid(nl_), cb, data);
    }
    return ret == MNL_CB_STOP;
  }

 private:
  mnl_socket* nl_;
};

int GenCallback(const nlmsghdr* nlh, void* data) {
  nftnl_gen* gen = nftnl_gen_alloc();
  if (gen == nullptr || nftnl_gen_nlmsg_parse(nlh, gen) < 0) {
    nftnl_gen_free(gen);
    return MNL_CB_ERROR;
  }
  *static_cast<uint32_t*>(data) = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
  nftnl_gen_free(gen);
  return MNL_CB_OK;
}

int RuleCallback(const nlmsghdr* nlh, void* data) {
  auto* st = static_cast<DumpState*>(data);
  nft::RulePtr r(nftnl_rule_alloc());
  if (!r || nftnl_rule_nlmsg_parse(nlh, r.get()) < 0) return MNL_CB_ERROR;
  uint32_t len = 0;
  const void* ud = nftnl_rule_get_data(r.get(), NFTNL_RULE_USERDATA, &len);
  if (ud == nullptr || len != st->tag.size() || std::memcmp(ud, st->tag.data(), len) != 0) {
    return MNL_CB_OK;
  }
  if (st->found.size() >= kMaxTaggedRules) {
    st->overflow = true;
    return MNL_CB_OK;
  }
  st->found.push_back({nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN),
                       nftnl_rule_get_u64(r.get(), NFTNL_RULE_HANDLE), nft::Fingerprint(r.get())});
  return MNL_CB_OK;
}

bool Fail(std::string* err, const std::string& what) {
  if (err != nullptr) *err = what + ": " + std::strerror(errno);
  return false;
}

// Reads the ruleset generation and the handles of `bridge`'s rules in our table.
bool Snapshot(NfSocket& nl, const std::string& bridge, uint32_t* genid, DumpState* st,
              std::string* err) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  uint32_t seq = 1;
  nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, seq);
  if (!nl.Exchange(nlh, nlh->nlmsg_len, seq, GenCallback, genid)) {
    return Fail(err, "reading the nftables generation failed");
  }
  nft::RulePtr filter(nftnl_rule_alloc());
  if (!filter || nftnl_rule_set_str(filter.get(), NFTNL_RULE_TABLE, nft::kTable) != 0) {
    return Fail(err, "out of memory");
  }
  st->tag = nft::BridgeTag(bridge);
  nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_IPV4, NLM_F_DUMP, ++seq);
  nftnl_rule_nlmsg_build_payload(nlh, filter.get());
  if (st->tag.empty() || !nl.Exchange(nlh, nlh->nlmsg_len, seq, RuleCallback, st)) {
    return Fail(err, "listing table ip qemu_compose failed");
  }
  if (st->overflow) {
    errno = E2BIG;
    return Fail(err, "too many rules tagged " + bridge + " in table ip qemu_compose");
  }
  return true;
}

// One nftables transaction: deletes `old`, adds `add` (and the table and chains
// when `add` is not empty), all or nothing, valid only at generation `genid`.
class Batch {
  // Declared first: b_ points into it. Half is headroom for the message that overflows.
  std::vector<char> buf_ = std::vector<char>(2 * 16 * MNL_SOCKET_BUFFER_SIZE);

 public:
  explicit Batch(uint32_t genid) : b_(mnl_nlmsg_batch_start(buf_.data(), buf_.size() / 2)) {
    nlmsghdr* nlh = nftnl_batch_begin(Cur(), seq_++);
    mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
    Next();
  }
  ~Batch() { mnl_nlmsg_batch_stop(b_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void Table(nftnl_table* t) {
    nftnl_table_nlmsg_build_payload(Hdr(NFT_MSG_NEWTABLE, NLM_F_CREATE), t);
    Next();
  }
  void Chain(nftnl_chain* c) {
    nftnl_chain_nlmsg_build_payload(Hdr(NFT_MSG_NEWCHAIN, NLM_F_CREATE), c);
    Next();
  }
  void Rule(uint16_t type, uint16_t flags, nftnl_rule* r) {
    nftnl_rule_nlmsg_build_payload(Hdr(type, flags), r);
    Next();
  }
  bool Commit(NfSocket& nl) {
    if (last_ == nullptr || overflow_) {
      errno = E2BIG;
      return false;
    }
    last_->nlmsg_flags |= NLM_F_ACK;  // errors come before this ack, so the first reply decides
    nftnl_batch_end(Cur(), seq_++);
    Next();
    if (overflow_) return false;
    return nl.Exchange(mnl_nlmsg_batch_head(b_), mnl_nlmsg_batch_size(b_), 0, nullptr, nullptr);
  }

 private:
  char* Cur() { return static_cast<char*>(mnl_nlmsg_batch_current(b_)); }
  nlmsghdr* Hdr(uint16_t type, uint16_t flags) {
    last_ = nftnl_nlmsg_build_hdr(Cur(), type, NFPROTO_IPV4, flags, seq_++);
    return last_;
  }
  void Next() { overflow_ = overflow_ || !mnl_nlmsg_batch_next(b_); }

  mnl_nlmsg_batch* b_;
  uint32_t seq_ = 1;
  nlmsghdr* last_ = nullptr;
  bool overflow_ = false;
};

// True when the dumped rules (in chain order) are exactly `rules`, e.g. both empty.
bool AlreadyInPlace(const std::vector<RuleRef>& found, const std::vector<nft::BridgeRule>& rules) {
  if (found.size() != rules.size()) return false;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (found[i].fingerprint != nft::Fingerprint(rules[i].rule.get())) return false;
  }
  return true;
}

// Replaces `bridge`'s rules by `rules` (possibly none), retrying on generation races.
bool Apply(const std::string& bridge, const std::vector<nft::BridgeRule>& rules, std::string* err) {
  auto table = nft::BuildTable();
  auto nat_chain = nft::BuildNatChain();
  auto fwd_chain = nft::BuildForwardChain();
  if (!table || !nat_chain || !fwd_chain) return Fail(err, "out of memory");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    NfSocket nl;
    if (!nl.ok()) return Fail(err, "opening the nftables netlink socket failed");
    uint32_t genid = 0;
    DumpState st;
    if (!Snapshot(nl, bridge, &genid, &st, err)) return false;
    if (AlreadyInPlace(st.found, rules)) return true;  // keeps the ruleset byte-identical
    Batch batch(genid);
    if (!rules.empty()) {
      batch.Table(table.get());
      batch.Chain(nat_chain.get());
      batch.Chain(fwd_chain.get());
    }
    for (const RuleRef& ref : st.found) {
      nft::RulePtr del(nftnl_rule_alloc());
      if (!del) return Fail(err, "out of memory");
      nftnl_rule_set_u32(del.get(), NFTNL_RULE_FAMILY, NFPROTO_IPV4);
      nftnl_rule_set_u64(del.get(), NFTNL_RULE_HANDLE, ref.handle);
      if (nftnl_rule_set_str(del.get(), NFTNL_RULE_TABLE, nft::kTable) != 0 ||
          nftnl_rule_set_str(del.get(), NFTNL_RULE_CHAIN, ref.chain.c_str()) != 0) {
        return Fail(err, "out of memory");
      }
      batch.Rule(NFT_MSG_DELRULE, 0, del.get());
    }
    for (const nft::BridgeRule& r : rules) {
      const uint16_t where = r.at_head ? 0 : NLM_F_APPEND;  // no APPEND, no position: chain head
      batch.Rule(NFT_MSG_NEWRULE, NLM_F_CREATE | where, r.rule.get());
    }
    if (batch.Commit(nl)) return true;
    if (errno != ERESTART) return Fail(err, "nftables transaction for " + bridge + " failed");
  }
  errno = EBUSY;
  return Fail(err, "nftables ruleset kept changing while updating " + bridge);
}

bool CheckBridge(const std::string& bridge, std::string* err) {
  if (IsQcBridgeName(bridge)) return true;
  if (err != nullptr) *err = "invalid bridge name '" + bridge + "' (want qc-[a-z0-9-]{1,12})";
  return false;
}

}  // namespace

bool NatEnable(const std::string& bridge, uint32_t subnet_be, int prefix, std::string* err) {
  if (!CheckBridge(bridge, err)) return false;
  if (prefix < 1 || prefix > 32) {
    if (err != nullptr) *err = "invalid prefix length " + std::to_string(prefix) + " (want 1..32)";
    return false;
  }
  const uint32_t mask_be = htonl(prefix == 32 ? 0xffffffffU : ~(0xffffffffU >> prefix));
  if ((subnet_be & ~mask_be) != 0) {
    if (err != nullptr)
      *err = "subnet address has host bits set for prefix /" + std::to_string(prefix);
    return false;
  }
  const std::vector<nft::BridgeRule> rules = nft::BuildBridgeRules(bridge, subnet_be, mask_be);
  if (rules.empty()) return Fail(err, "building nftables rules failed");
  return Apply(bridge, rules, err);
}

bool NatDisable(const std::string& bridge, std::string* err) {
  return CheckBridge(bridge, err) && Apply(bridge, {}, err);
}

bool NatIsEnabled(const std::string& bridge) {
  if (!IsQcBridgeName(bridge)) return false;
  NfSocket nl;
  uint32_t genid = 0;
  DumpState st;
  std::string err;
  return nl.ok() && Snapshot(nl, bridge, &genid, &st, &err) && st.found.size() == kRulesPerBridge;
}

}  // namespace qc::netd
