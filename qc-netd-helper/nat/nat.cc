// Netlink side of the NAT rules: read the ruleset generation and this bridge's
// rules, then commit deletions and additions as one batch pinned to that
// generation. If anyone changed the ruleset in between, the kernel refuses the
// batch with ERESTART and we start over, so concurrent helpers never act on a
// stale view (the scheme nft itself uses).
#include "nat/nat.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/gen.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "names.h"
#include "nat/nft_objects.h"

namespace qc::netd {
namespace {

constexpr int kAttempts = 16;            // generation races tolerated before giving up
constexpr size_t kBatchBytes = 1 << 16;  // far more than a bridge's rules need

// Sends `len` bytes and runs `cb` on every reply until an ack, NLMSG_DONE or an
// error (errno set). seq 0 skips sequence checks: batch replies carry their own.
bool Exchange(mnl_socket* nl, const void* buf, size_t len, uint32_t seq, mnl_cb_t cb, void* data) {
  if (mnl_socket_sendto(nl, buf, len) < 0) {
    return false;
  }
  std::vector<char> rx(MNL_SOCKET_BUFFER_SIZE);
  int ret = MNL_CB_OK;
  while (ret == MNL_CB_OK) {
    const ssize_t n = mnl_socket_recvfrom(nl, rx.data(), rx.size());
    ret = n < 0 ? MNL_CB_ERROR : mnl_cb_run(rx.data(), n, seq, mnl_socket_get_portid(nl), cb, data);
  }
  return ret == MNL_CB_STOP;
}

struct Snapshot {
  uint32_t genid = 0;
  std::string tag;
  std::vector<nft::RulePtr> rules;  // the bridge's rules, in chain order
  size_t all_rules = 0;             // in the whole table, anyone's
};

int OnGen(const nlmsghdr* nlh, void* data) {
  nftnl_gen* gen = nft::Must(nftnl_gen_alloc());
  const int rc = nftnl_gen_nlmsg_parse(nlh, gen);
  static_cast<Snapshot*>(data)->genid = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
  nftnl_gen_free(gen);
  return rc == 0 ? MNL_CB_OK : MNL_CB_ERROR;
}

int OnRule(const nlmsghdr* nlh, void* data) {
  auto* s = static_cast<Snapshot*>(data);
  nft::RulePtr r(nft::Must(nftnl_rule_alloc()));
  if (nftnl_rule_nlmsg_parse(nlh, r.get()) < 0) {
    return MNL_CB_ERROR;
  }
  ++s->all_rules;
  uint32_t len = 0;
  const void* ud = nftnl_rule_get_data(r.get(), NFTNL_RULE_USERDATA, &len);
  if (ud != nullptr && len == s->tag.size() && std::memcmp(ud, s->tag.data(), len) == 0) {
    s->rules.push_back(std::move(r));
  }
  return MNL_CB_OK;
}

// Reads the generation, then the rules of our table tagged for `bridge`.
// errno is EINTR when the ruleset changed during the dump (NLM_F_DUMP_INTR).
bool TakeSnapshot(mnl_socket* nl, const std::string& bridge, Snapshot* s) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, 1);
  if (!Exchange(nl, nlh, nlh->nlmsg_len, 1, OnGen, s)) {
    return false;
  }
  s->tag = nft::BridgeTag(bridge);
  nft::RulePtr filter(nft::Must(nftnl_rule_alloc()));  // dump only our table
  nftnl_rule_set_str(filter.get(), NFTNL_RULE_TABLE, nft::kTable);
  nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_IPV4, NLM_F_DUMP, 2);
  nftnl_rule_nlmsg_build_payload(nlh, filter.get());
  return Exchange(nl, nlh, nlh->nlmsg_len, 2, OnRule, s);
}

// True when the dumped rules are exactly `add` in order (e.g. both empty).
bool InPlace(const Snapshot& s, const std::vector<nft::RulePtr>& add) {
  return std::equal(s.rules.begin(), s.rules.end(), add.begin(), add.end(),
                    [](const nft::RulePtr& a, const nft::RulePtr& b) {
                      return nft::Fingerprint(a.get()) == nft::Fingerprint(b.get());
                    });
}

// One transaction: delete s.rules (or the whole table when they are all it
// holds and nothing is added), then create table and chains and add `add`.
// Only the last message asks for an ack: the kernel reports any error before
// it, so the first reply decides. errno is ERESTART on a generation race.
bool Commit(mnl_socket* nl, const Snapshot& s, const std::vector<nft::RulePtr>& add) {
  const nft::TablePtr table = nft::BuildTable();
  const nft::ChainPtr nat = nft::BuildChain(true);
  const nft::ChainPtr forward = nft::BuildChain(false);
  std::vector<char> buf(2 * kBatchBytes);  // headroom for the message that overflows
  mnl_nlmsg_batch* b = mnl_nlmsg_batch_start(buf.data(), kBatchBytes);
  auto cur = [&] { return static_cast<char*>(mnl_nlmsg_batch_current(b)); };
  uint32_t seq = 0;
  mnl_attr_put_u32(nftnl_batch_begin(cur(), ++seq), NFNL_BATCH_GENID, htonl(s.genid));
  bool fits = mnl_nlmsg_batch_next(b);
  nlmsghdr* last = nullptr;
  auto put = [&](uint16_t type, uint16_t flags, auto build_payload, auto* object) {
    last = nftnl_nlmsg_build_hdr(cur(), type, NFPROTO_IPV4, flags, ++seq);
    build_payload(last, object);
    fits = mnl_nlmsg_batch_next(b) && fits;
  };
  if (add.empty() && s.all_rules == s.rules.size()) {  // the last bridge leaves no trace
    put(NFT_MSG_DELTABLE, 0, nftnl_table_nlmsg_build_payload, table.get());
  } else {
    for (const nft::RulePtr& r : s.rules) {  // a dumped rule carries table, chain and handle
      put(NFT_MSG_DELRULE, 0, nftnl_rule_nlmsg_build_payload, r.get());
    }
  }
  if (!add.empty()) {  // NLM_F_CREATE without EXCL: existing ones are kept
    put(NFT_MSG_NEWTABLE, NLM_F_CREATE, nftnl_table_nlmsg_build_payload, table.get());
    put(NFT_MSG_NEWCHAIN, NLM_F_CREATE, nftnl_chain_nlmsg_build_payload, nat.get());
    put(NFT_MSG_NEWCHAIN, NLM_F_CREATE, nftnl_chain_nlmsg_build_payload, forward.get());
  }
  for (size_t i = 0; i < add.size(); ++i) {  // no APPEND and no position: head of the chain
    const uint16_t where = i == 1 ? 0 : NLM_F_APPEND;
    put(NFT_MSG_NEWRULE, NLM_F_CREATE | where, nftnl_rule_nlmsg_build_payload, add[i].get());
  }
  last->nlmsg_flags |= NLM_F_ACK;
  nftnl_batch_end(cur(), ++seq);
  fits = mnl_nlmsg_batch_next(b) && fits;
  errno = E2BIG;  // reported when the batch does not fit
  const bool ok =
      fits && Exchange(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), 0, nullptr, nullptr);
  mnl_nlmsg_batch_stop(b);
  return ok;
}

// Makes `bridge`'s rules exactly *add, or with add == nullptr only reads them
// into *s; retries while concurrent changes interrupt the dump or the batch.
bool Sync(const std::string& bridge, const std::vector<nft::RulePtr>* add, Snapshot* s,
          std::string* err) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    *s = Snapshot{};
    // A fresh socket each time: an interrupted dump leaves replies behind.
    const std::unique_ptr<mnl_socket, int (*)(mnl_socket*)> nl(mnl_socket_open(NETLINK_NETFILTER),
                                                               mnl_socket_close);
    if (nl && mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) == 0 &&
        TakeSnapshot(nl.get(), bridge, s) &&
        (add == nullptr || InPlace(*s, *add) || Commit(nl.get(), *s, *add))) {
      return true;
    }
    if (errno != EINTR && errno != ERESTART) {
      *err = "nftables request for " + bridge + " failed: " + std::strerror(errno);
      return false;
    }
  }
  *err = "nftables ruleset kept changing while updating " + bridge;
  return false;
}

bool BadBridge(const std::string& bridge, std::string* err) {
  *err = "invalid bridge name '" + bridge + "' (want qc-[a-z0-9-]{1,12})";
  return false;
}

}  // namespace

bool NatEnable(const std::string& bridge, uint32_t subnet_be, int prefix, std::string* err) {
  if (!IsValidBridgeName(bridge)) {
    return BadBridge(bridge, err);
  }
  if (prefix < 1 || prefix > 32) {
    *err = "invalid prefix length " + std::to_string(prefix) + " (want 1..32)";
    return false;
  }
  const uint32_t mask_be = htonl(0xffffffffU << (32 - prefix));
  if ((subnet_be & ~mask_be) != 0) {
    *err = "subnet address has host bits set for prefix /" + std::to_string(prefix);
    return false;
  }
  const std::vector<nft::RulePtr> add = nft::BuildBridgeRules(bridge, subnet_be, mask_be);
  Snapshot s;
  return Sync(bridge, &add, &s, err);
}

bool NatDisable(const std::string& bridge, std::string* err) {
  const std::vector<nft::RulePtr> none;
  Snapshot s;
  return IsValidBridgeName(bridge) ? Sync(bridge, &none, &s, err) : BadBridge(bridge, err);
}

bool NatIsEnabled(const std::string& bridge) {
  Snapshot s;
  std::string err;
  // the complete set from BuildBridgeRules
  return IsValidBridgeName(bridge) && Sync(bridge, nullptr, &s, &err) && s.rules.size() == 5;
}

}  // namespace qc::netd
