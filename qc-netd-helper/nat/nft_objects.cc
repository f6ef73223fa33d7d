#include "nat/nft_objects.h"

#include <libnftnl/expr.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>

#include <cstring>

namespace qc::netd::nft {
namespace {

// Appends expressions to one rule; remembers whether every allocation succeeded.
class RuleBuilder {
 public:
  RuleBuilder(const char* chain, const std::string& tag) : rule_(nftnl_rule_alloc()) {
    if (!rule_) return;
    nftnl_rule_set_u32(rule_.get(), NFTNL_RULE_FAMILY, NFPROTO_IPV4);
    ok_ = nftnl_rule_set_str(rule_.get(), NFTNL_RULE_TABLE, kTable) == 0 &&
          nftnl_rule_set_str(rule_.get(), NFTNL_RULE_CHAIN, chain) == 0 &&
          nftnl_rule_set_data(rule_.get(), NFTNL_RULE_USERDATA, tag.data(), tag.size()) == 0;
  }
  // meta load iifname/oifname => reg 1
  RuleBuilder& Meta(uint32_t key) {
    if (nftnl_expr* e = Add("meta")) {
      nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
      nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
    }
    return *this;
  }
  RuleBuilder& Cmp(uint32_t op, const void* data, uint32_t len) {
    if (nftnl_expr* e = Add("cmp")) {
      nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
      nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
      ok_ = ok_ && nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) == 0;
    }
    return *this;
  }
  // Interface names compare as a zero-padded IFNAMSIZ buffer, as nft does.
  RuleBuilder& Ifname(uint32_t key, uint32_t op, const std::string& name) {
    char buf[IFNAMSIZ] = {};
    std::memcpy(buf, name.data(), name.size() < IFNAMSIZ ? name.size() : IFNAMSIZ - 1);
    return Meta(key).Cmp(op, buf, sizeof(buf));
  }
  // reg 1 = (reg 1 & mask) ^ 0
  RuleBuilder& Mask(uint32_t mask) {
    const uint32_t zero = 0;
    if (nftnl_expr* e = Add("bitwise")) {
      nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
      nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
      nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
      ok_ = ok_ && nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask)) == 0 &&
            nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero)) == 0;
    }
    return *this;
  }
  RuleBuilder& IpSaddr() {
    if (nftnl_expr* e = Add("payload")) {
      nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
      nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 12);  // iphdr.saddr
      nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 4);
      nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
    }
    return *this;
  }
  RuleBuilder& CtState() {
    if (nftnl_expr* e = Add("ct")) {
      nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
      nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
    }
    return *this;
  }
  RuleBuilder& Verdict(uint32_t verdict) {
    if (nftnl_expr* e = Add("immediate")) {
      nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
      nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, verdict);
    }
    return *this;
  }
  RuleBuilder& Masquerade() {
    Add("masq");
    return *this;
  }
  RulePtr Take() { return ok_ ? std::move(rule_) : nullptr; }

 private:
  nftnl_expr* Add(const char* name) {
    nftnl_expr* e = rule_ ? nftnl_expr_alloc(name) : nullptr;
    if (e == nullptr) {
      ok_ = false;
      return nullptr;
    }
    nftnl_rule_add_expr(rule_.get(), e);  // the rule owns e from now on
    return e;
  }
  RulePtr rule_;
  bool ok_ = false;
};

}  // namespace

std::string Fingerprint(nftnl_rule* r) {
  const char* chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
  std::string fp = chain != nullptr ? chain : "";
  nftnl_expr_foreach(
      r,
      [](nftnl_expr* e, void* data) {
        char buf[256];
        if (nftnl_expr_snprintf(buf, sizeof(buf), e, NFTNL_OUTPUT_DEFAULT, 0) < 0) return -1;
        *static_cast<std::string*>(data) += std::string("|") + buf;
        return 0;
      },
      &fp);
  return fp;
}

std::string BridgeTag(const std::string& bridge) {
  std::string tag;
  nftnl_udata_buf* buf = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
  if (buf != nullptr && nftnl_udata_put_strz(buf, NFTNL_UDATA_RULE_COMMENT, bridge.c_str())) {
    tag.assign(static_cast<const char*>(nftnl_udata_buf_data(buf)), nftnl_udata_buf_len(buf));
  }
  nftnl_udata_buf_free(buf);
  return tag;
}

std::vector<BridgeRule> BuildBridgeRules(const std::string& bridge, uint32_t subnet_be,
                                         uint32_t mask_be) {
  const std::string tag = BridgeTag(bridge);
  const uint32_t est_rel = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
  const uint32_t zero = 0;
  std::vector<BridgeRule> rules;
  rules.push_back({RuleBuilder(kNatChain, tag)
                       .IpSaddr()
                       .Mask(mask_be)
                       .Cmp(NFT_CMP_EQ, &subnet_be, sizeof(subnet_be))
                       .Ifname(NFT_META_OIFNAME, NFT_CMP_NEQ, bridge)
                       .Masquerade()
                       .Take(),
                   false});
  rules.push_back({RuleBuilder(kForwardChain, tag)
                       .Ifname(NFT_META_IIFNAME, NFT_CMP_EQ, bridge)
                       .Meta(NFT_META_OIFNAME)
                       .Cmp(NFT_CMP_EQ, "qc-", 3)  // prefix match: oifname "qc-*"
                       .Ifname(NFT_META_OIFNAME, NFT_CMP_NEQ, bridge)
                       .Verdict(NF_DROP)
                       .Take(),
                   true});
  rules.push_back({RuleBuilder(kForwardChain, tag)
                       .Ifname(NFT_META_IIFNAME, NFT_CMP_EQ, bridge)
                       .Verdict(NF_ACCEPT)
                       .Take(),
                   false});
  rules.push_back({RuleBuilder(kForwardChain, tag)
                       .Ifname(NFT_META_OIFNAME, NFT_CMP_EQ, bridge)
                       .CtState()
                       .Mask(est_rel)
                       .Cmp(NFT_CMP_NEQ, &zero, sizeof(zero))
                       .Verdict(NF_ACCEPT)
                       .Take(),
                   false});
  rules.push_back({RuleBuilder(kForwardChain, tag)
                       .Ifname(NFT_META_OIFNAME, NFT_CMP_EQ, bridge)
                       .Verdict(NF_DROP)
                       .Take(),
                   false});
  for (const BridgeRule& r : rules) {
    if (!r.rule) return {};
  }
  return rules;
}

TablePtr BuildTable() {
  TablePtr t(nftnl_table_alloc());
  if (!t) return t;
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  if (nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, kTable) != 0) t.reset();
  return t;
}

namespace {
ChainPtr BaseChain(const char* name, const char* type, uint32_t hook, int32_t prio) {
  ChainPtr c(nftnl_chain_alloc());
  if (!c) return c;
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, hook);
  nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, prio);
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_POLICY, NF_ACCEPT);
  if (nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, kTable) != 0 ||
      nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, name) != 0 ||
      nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, type) != 0) {
    c.reset();
  }
  return c;
}
}  // namespace

ChainPtr BuildNatChain() {
  return BaseChain(kNatChain, "nat", NF_INET_POST_ROUTING, 100);  // priority srcnat
}

ChainPtr BuildForwardChain() {
  return BaseChain(kForwardChain, "filter", NF_INET_FORWARD, 0);  // priority filter
}

}  // namespace qc::netd::nft
