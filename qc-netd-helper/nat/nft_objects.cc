#include "nat/nft_objects.h"

#include <libnftnl/expr.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>

#include <initializer_list>

namespace qc::netd::nft {
namespace {

constexpr char kNatChain[] = "postrouting";
constexpr char kForwardChain[] = "forward";

// One expression attribute: a u32, or `len` bytes at `data`.
struct Attr {
  uint16_t type;
  uint32_t u32;
  const void* data = nullptr;
  uint32_t len = 0;
};

// Appends expression `name` with `attrs` to `r`; false if allocation fails.
bool Expr(nftnl_rule* r, const char* name, std::initializer_list<Attr> attrs) {
  nftnl_expr* e = nftnl_expr_alloc(name);
  if (e == nullptr) {
    return false;
  }
  nftnl_rule_add_expr(r, e);  // r owns e from here on
  for (const Attr& a : attrs) {
    if (a.data == nullptr) {
      nftnl_expr_set_u32(e, a.type, a.u32);
    } else if (nftnl_expr_set(e, a.type, a.data, a.len) != 0) {
      return false;
    }
  }
  return true;
}

// reg 1 = meta iifname/oifname, compared with `len` bytes of the zero-padded name
// (IFNAMSIZ for an exact name, as nft does; fewer for a prefix like "qc-*").
bool Ifname(nftnl_rule* r, uint32_t key, uint32_t op, const std::string& name,
            uint32_t len = IFNAMSIZ) {
  char buf[IFNAMSIZ] = {};
  name.copy(buf, IFNAMSIZ - 1);  // at most 15 bytes: stays NUL-terminated
  return Expr(r, "meta", {{NFTNL_EXPR_META_KEY, key}, {NFTNL_EXPR_META_DREG, NFT_REG_1}}) &&
         Expr(r, "cmp",
              {{NFTNL_EXPR_CMP_SREG, NFT_REG_1},
               {NFTNL_EXPR_CMP_OP, op},
               {NFTNL_EXPR_CMP_DATA, 0, buf, len}});
}

// reg 1 = (reg 1 & mask), then compared with `value` by `op`.
bool MaskedCmp(nftnl_rule* r, uint32_t mask, uint32_t op, uint32_t value) {
  const uint32_t zero = 0;
  return Expr(r, "bitwise",
              {{NFTNL_EXPR_BITWISE_SREG, NFT_REG_1},
               {NFTNL_EXPR_BITWISE_DREG, NFT_REG_1},
               {NFTNL_EXPR_BITWISE_LEN, 4},
               {NFTNL_EXPR_BITWISE_MASK, 0, &mask, 4},
               {NFTNL_EXPR_BITWISE_XOR, 0, &zero, 4}}) &&
         Expr(r, "cmp",
              {{NFTNL_EXPR_CMP_SREG, NFT_REG_1},
               {NFTNL_EXPR_CMP_OP, op},
               {NFTNL_EXPR_CMP_DATA, 0, &value, 4}});
}

bool Verdict(nftnl_rule* r, uint32_t verdict) {
  return Expr(r, "immediate",
              {{NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT}, {NFTNL_EXPR_IMM_VERDICT, verdict}});
}

RulePtr NewRule(const char* chain, const std::string& tag) {
  RulePtr r(nftnl_rule_alloc());
  if (r) {
    nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, NFPROTO_IPV4);
    if (nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, kTable) != 0 ||
        nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, chain) != 0 ||
        nftnl_rule_set_data(r.get(), NFTNL_RULE_USERDATA, tag.data(), tag.size()) != 0) {
      r.reset();
    }
  }
  return r;
}

}  // namespace

std::string BridgeTag(const std::string& bridge) {
  std::string tag;
  nftnl_udata_buf* buf = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
  if (buf != nullptr && nftnl_udata_put_strz(buf, NFTNL_UDATA_RULE_COMMENT, bridge.c_str())) {
    tag.assign(static_cast<const char*>(nftnl_udata_buf_data(buf)), nftnl_udata_buf_len(buf));
  }
  nftnl_udata_buf_free(buf);
  return tag;
}

std::string Fingerprint(nftnl_rule* r) {
  const char* chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
  std::string fp = chain != nullptr ? chain : "";
  auto append = [](nftnl_expr* e, void* data) {
    char buf[256];
    if (nftnl_expr_snprintf(buf, sizeof(buf), e, NFTNL_OUTPUT_DEFAULT, 0) < 0) {
      return -1;
    }
    *static_cast<std::string*>(data) += std::string("|") + buf;
    return 0;
  };
  return nftnl_expr_foreach(r, append, &fp) == 0 ? fp : "";
}

std::vector<BridgeRule> BuildBridgeRules(const std::string& bridge, uint32_t subnet_be,
                                         uint32_t mask_be) {
  const std::string tag = BridgeTag(bridge);
  const uint32_t est_rel = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
  std::vector<BridgeRule> v;
  for (int i = 0; i < 5; ++i) {
    v.push_back({NewRule(i == 0 ? kNatChain : kForwardChain, tag), i == 1});
    if (!v.back().rule) {
      return {};
    }
  }
  // ip saddr SUBNET oifname != BRIDGE masquerade
  nftnl_rule* r = v[0].rule.get();
  bool ok = Expr(r, "payload",
                 {{NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER},
                  {NFTNL_EXPR_PAYLOAD_OFFSET, 12},  // iphdr.saddr
                  {NFTNL_EXPR_PAYLOAD_LEN, 4},
                  {NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1}}) &&
            MaskedCmp(r, mask_be, NFT_CMP_EQ, subnet_be) &&
            Ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, bridge) && Expr(r, "masq", {});
  // iifname BRIDGE oifname "qc-*" oifname != BRIDGE drop
  r = v[1].rule.get();
  ok = ok && Ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge) &&
       Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, "qc-", 3) &&
       Ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, bridge) && Verdict(r, NF_DROP);
  // iifname BRIDGE accept
  r = v[2].rule.get();
  ok = ok && Ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge) && Verdict(r, NF_ACCEPT);
  // oifname BRIDGE ct state established,related accept
  r = v[3].rule.get();
  ok = ok && Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge) &&
       Expr(r, "ct", {{NFTNL_EXPR_CT_KEY, NFT_CT_STATE}, {NFTNL_EXPR_CT_DREG, NFT_REG_1}}) &&
       MaskedCmp(r, est_rel, NFT_CMP_NEQ, 0) && Verdict(r, NF_ACCEPT);
  // oifname BRIDGE drop
  r = v[4].rule.get();
  ok = ok && Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge) && Verdict(r, NF_DROP);
  return ok ? std::move(v) : std::vector<BridgeRule>{};
}

TablePtr BuildTable() {
  TablePtr t(nftnl_table_alloc());
  if (t) {
    nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
    if (nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, kTable) != 0) {
      t.reset();
    }
  }
  return t;
}

ChainPtr BuildChain(bool nat) {
  ChainPtr c(nftnl_chain_alloc());
  if (c) {
    nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
    nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, nat ? NF_INET_POST_ROUTING : NF_INET_FORWARD);
    nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, nat ? 100 : 0);  // srcnat : filter
    nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_POLICY, NF_ACCEPT);
    if (nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, kTable) != 0 ||
        nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, nat ? kNatChain : kForwardChain) != 0 ||
        nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, nat ? "nat" : "filter") != 0) {
      c.reset();
    }
  }
  return c;
}

}  // namespace qc::netd::nft
