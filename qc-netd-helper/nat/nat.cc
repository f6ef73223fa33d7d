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

#include <cerrno>
#include <cstring>
#include <vector>

#include "names.h"
#include "nat/nft_objects.h"

namespace qc::netd {
namespace {

constexpr int kAttempts = 16;            // generation races tolerated before giving up
constexpr size_t kMaxTaggedRules = 64;   // far above the 5 we add; bounds the batch
constexpr size_t kBatchBytes = 1 << 16;  // fits 64 deletions plus the additions

struct SocketClose {
  void operator()(mnl_socket* s) const { mnl_socket_close(s); }
};
using Socket = std::unique_ptr<mnl_socket, SocketClose>;

Socket Open() {
  Socket nl(mnl_socket_open(NETLINK_NETFILTER));
  if (nl && mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    nl.reset();
  }
  return nl;
}

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
  bool overflow = false;
};

int OnGen(const nlmsghdr* nlh, void* data) {
  nftnl_gen* gen = nftnl_gen_alloc();
  const bool ok = gen != nullptr && nftnl_gen_nlmsg_parse(nlh, gen) == 0;
  if (ok) {
    static_cast<Snapshot*>(data)->genid = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
  }
  nftnl_gen_free(gen);
  return ok ? MNL_CB_OK : MNL_CB_ERROR;
}

int OnRule(const nlmsghdr* nlh, void* data) {
  auto* s = static_cast<Snapshot*>(data);
  nft::RulePtr r(nftnl_rule_alloc());
  if (!r || nftnl_rule_nlmsg_parse(nlh, r.get()) < 0) {
    return MNL_CB_ERROR;
  }
  ++s->all_rules;
  uint32_t len = 0;
  const void* ud = nftnl_rule_get_data(r.get(), NFTNL_RULE_USERDATA, &len);
  if (ud != nullptr && len == s->tag.size() && std::memcmp(ud, s->tag.data(), len) == 0) {
    s->overflow = s->overflow || s->rules.size() >= kMaxTaggedRules;
    if (!s->overflow) {
      s->rules.push_back(std::move(r));
    }
  }
  return MNL_CB_OK;
}

bool Fail(std::string* err, const std::string& what) {
  if (err != nullptr) {
    *err = what + ": " + std::strerror(errno);
  }
  return false;
}

bool TakeSnapshot(mnl_socket* nl, const std::string& bridge, Snapshot* s, std::string* err) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, 1);
  if (!Exchange(nl, nlh, nlh->nlmsg_len, 1, OnGen, s)) {
    return Fail(err, "reading the nftables generation failed");
  }
  s->tag = nft::BridgeTag(bridge);
  nft::RulePtr filter(nftnl_rule_alloc());  // dump only our table
  if (!filter || s->tag.empty() ||
      nftnl_rule_set_str(filter.get(), NFTNL_RULE_TABLE, nft::kTable) != 0) {
    errno = ENOMEM;
    return Fail(err, "preparing the rule dump failed");
  }
  nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_IPV4, NLM_F_DUMP, 2);
  nftnl_rule_nlmsg_build_payload(nlh, filter.get());
  if (!Exchange(nl, nlh, nlh->nlmsg_len, 2, OnRule, s)) {
    return Fail(err, "listing table ip qemu_compose failed");
  }
  if (s->overflow) {
    errno = E2BIG;
    return Fail(err, "too many rules tagged " + bridge + " in table ip qemu_compose");
  }
  return true;
}

// True when the dumped rules are exactly `add` in order (e.g. both empty).
bool InPlace(const Snapshot& s, const std::vector<nft::BridgeRule>& add) {
  if (s.rules.size() != add.size()) {
    return false;
  }
  for (size_t i = 0; i < add.size(); ++i) {
    if (nft::Fingerprint(s.rules[i].get()) != nft::Fingerprint(add[i].rule.get())) {
      return false;
    }
  }
  return true;
}

// One transaction: delete s.rules (or the whole table when they are all it
// holds and nothing is added), then create table and chains and add `add`.
// Only the last message asks for an ack: the kernel reports any error before
// it, so the first reply decides. errno is ERESTART on a generation race.
bool Commit(mnl_socket* nl, const Snapshot& s, const std::vector<nft::BridgeRule>& add) {
  const nft::TablePtr table = nft::BuildTable();
  const nft::ChainPtr chains[] = {nft::BuildChain(true), nft::BuildChain(false)};
  if (!table || !chains[0] || !chains[1]) {
    errno = ENOMEM;
    return false;
  }
  if (s.rules.empty() && add.empty()) {
    return true;  // an empty batch would have no message to acknowledge
  }
  std::vector<char> buf(2 * kBatchBytes);  // headroom for the message that overflows
  mnl_nlmsg_batch* b = mnl_nlmsg_batch_start(buf.data(), kBatchBytes);
  uint32_t seq = 0;
  nlmsghdr* last = nullptr;
  bool fits = true;
  auto cur = [&] { return static_cast<char*>(mnl_nlmsg_batch_current(b)); };
  auto hdr = [&](uint16_t type, uint16_t flags) {
    return last = nftnl_nlmsg_build_hdr(cur(), type, NFPROTO_IPV4, flags, ++seq);
  };
  auto next = [&] { fits = mnl_nlmsg_batch_next(b) && fits; };

  mnl_attr_put_u32(nftnl_batch_begin(cur(), ++seq), NFNL_BATCH_GENID, htonl(s.genid));
  next();
  if (add.empty() && s.all_rules == s.rules.size()) {  // the last bridge leaves no trace
    nftnl_table_nlmsg_build_payload(hdr(NFT_MSG_DELTABLE, 0), table.get());
    next();
  } else {
    for (const nft::RulePtr& r : s.rules) {  // a dumped rule carries table, chain and handle
      nftnl_rule_nlmsg_build_payload(hdr(NFT_MSG_DELRULE, 0), r.get());
      next();
    }
  }
  if (!add.empty()) {  // NLM_F_CREATE without EXCL: existing ones are kept
    nftnl_table_nlmsg_build_payload(hdr(NFT_MSG_NEWTABLE, NLM_F_CREATE), table.get());
    next();
    for (const nft::ChainPtr& c : chains) {
      nftnl_chain_nlmsg_build_payload(hdr(NFT_MSG_NEWCHAIN, NLM_F_CREATE), c.get());
      next();
    }
  }
  for (const nft::BridgeRule& r : add) {  // no APPEND and no position: head of the chain
    const uint16_t where = r.at_head ? 0 : NLM_F_APPEND;
    nftnl_rule_nlmsg_build_payload(hdr(NFT_MSG_NEWRULE, NLM_F_CREATE | where), r.rule.get());
    next();
  }
  last->nlmsg_flags |= NLM_F_ACK;
  nftnl_batch_end(cur(), ++seq);
  next();
  const bool ok =
      fits && Exchange(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), 0, nullptr, nullptr);
  if (!fits) {
    errno = E2BIG;
  }
  mnl_nlmsg_batch_stop(b);
  return ok;
}

// Makes `bridge`'s rules exactly `add` (possibly none), retrying generation races.
bool Apply(const std::string& bridge, const std::vector<nft::BridgeRule>& add, std::string* err) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    Socket nl = Open();
    if (!nl) {
      return Fail(err, "opening the nftables netlink socket failed");
    }
    Snapshot s;
    if (!TakeSnapshot(nl.get(), bridge, &s, err)) {
      if (errno == EINTR) {
        continue;  // the ruleset changed during the dump (NLM_F_DUMP_INTR)
      }
      return false;
    }
    if (InPlace(s, add) || Commit(nl.get(), s, add)) {
      return true;
    }
    if (errno != ERESTART) {
      return Fail(err, "nftables transaction for " + bridge + " failed");
    }
  }
  errno = EBUSY;
  return Fail(err, "nftables ruleset kept changing while updating " + bridge);
}

bool Reject(std::string* err, const std::string& why) {
  if (err != nullptr) {
    *err = why;
  }
  return false;
}

std::string BadBridgeMessage(const std::string& bridge) {
  return "invalid bridge name '" + bridge + "' (want qc-[a-z0-9-]{1,12})";
}

}  // namespace

bool NatEnable(const std::string& bridge, uint32_t subnet_be, int prefix, std::string* err) {
  if (!IsValidBridgeName(bridge)) {
    return Reject(err, BadBridgeMessage(bridge));
  }
  if (prefix < 1 || prefix > 32) {
    return Reject(err, "invalid prefix length " + std::to_string(prefix) + " (want 1..32)");
  }
  const uint32_t mask_be = htonl(0xffffffffU << (32 - prefix));
  if ((subnet_be & ~mask_be) != 0) {
    return Reject(err, "subnet address has host bits set for prefix /" + std::to_string(prefix));
  }
  const std::vector<nft::BridgeRule> add = nft::BuildBridgeRules(bridge, subnet_be, mask_be);
  if (add.empty()) {
    errno = ENOMEM;
    return Fail(err, "building nftables rules failed");
  }
  return Apply(bridge, add, err);
}

bool NatDisable(const std::string& bridge, std::string* err) {
  if (!IsValidBridgeName(bridge)) {
    return Reject(err, BadBridgeMessage(bridge));
  }
  return Apply(bridge, {}, err);
}

bool NatIsEnabled(const std::string& bridge) {
  for (int attempt = 0; IsValidBridgeName(bridge) && attempt < kAttempts; ++attempt) {
    Socket nl = Open();  // fresh: an interrupted dump leaves replies behind
    Snapshot s;
    std::string err;
    if (nl && TakeSnapshot(nl.get(), bridge, &s, &err)) {
      return s.rules.size() == 5;  // the complete set from BuildBridgeRules
    }
    if (errno != EINTR) {
      break;
    }
  }
  return false;
}

}  // namespace qc::netd
