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

// Appends expression `name` with `attrs` to `r`.
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

void Verdict(nftnl_rule* r, uint32_t verdict) {
  Expr(r, "immediate", {{NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT}, {NFTNL_EXPR_IMM_VERDICT, verdict}});
}

}  // namespace

std::string BridgeTag(const std::string& bridge) {
  nftnl_udata_buf* buf = Must(nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN));
  nftnl_udata_put_strz(buf, NFTNL_UDATA_RULE_COMMENT, bridge.c_str());  // 16 bytes fit
  std::string tag(static_cast<const char*>(nftnl_udata_buf_data(buf)), nftnl_udata_buf_len(buf));
  nftnl_udata_buf_free(buf);
  return tag;
}

std::string Fingerprint(nftnl_rule* r) {
  const char* chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
  std::string fp = chain != nullptr ? chain : "";
  auto append = [](nftnl_expr* e, void* data) {
    char buf[256];
    nftnl_expr_snprintf(buf, sizeof(buf), e, NFTNL_OUTPUT_DEFAULT, 0);
    *static_cast<std::string*>(data) += std::string("|") + buf;
    return 0;
  };
  nftnl_expr_foreach(r, append, &fp);
  return fp;
}

std::vector<RulePtr> BuildBridgeRules(const std::string& bridge, uint32_t subnet_be,
                                      uint32_t mask_be) {
  const std::string tag = BridgeTag(bridge);
  std::vector<RulePtr> v;
  auto rule = [&](const char* chain) {
    nftnl_rule* r = Must(nftnl_rule_alloc());
    v.emplace_back(r);
    nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
    nftnl_rule_set_str(r, NFTNL_RULE_TABLE, kTable);
    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
    nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, tag.data(), tag.size());
    return r;
  };
  // ip saddr SUBNET oifname != BRIDGE masquerade
  nftnl_rule* r = rule(kNatChain);
  Expr(r, "payload",
       {{NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER},
        {NFTNL_EXPR_PAYLOAD_OFFSET, 12},  // iphdr.saddr
        {NFTNL_EXPR_PAYLOAD_LEN, 4},
        {NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1}});
  MaskedCmp(r, mask_be, NFT_CMP_EQ, subnet_be);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, bridge);
  Expr(r, "masq", {});
  // iifname BRIDGE oifname "qc-*" oifname != BRIDGE drop
  r = rule(kForwardChain);
  Ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, "qc-", 3);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, bridge);
  Verdict(r, NF_DROP);
  // iifname BRIDGE accept
  r = rule(kForwardChain);
  Ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
  Verdict(r, NF_ACCEPT);
  // oifname BRIDGE ct state established,related accept
  r = rule(kForwardChain);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge);
  Expr(r, "ct", {{NFTNL_EXPR_CT_KEY, NFT_CT_STATE}, {NFTNL_EXPR_CT_DREG, NFT_REG_1}});
  MaskedCmp(r, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), NFT_CMP_NEQ, 0);
  Verdict(r, NF_ACCEPT);
  // oifname BRIDGE drop
  r = rule(kForwardChain);
  Ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge);
  Verdict(r, NF_DROP);
  return v;
}

TablePtr BuildTable() {
  TablePtr t(Must(nftnl_table_alloc()));
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, kTable);
  return t;
}

ChainPtr BuildChain(bool nat) {
  ChainPtr c(Must(nftnl_chain_alloc()));
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, nat ? NF_INET_POST_ROUTING : NF_INET_FORWARD);
  nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, nat ? 100 : 0);  // srcnat : filter
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_POLICY, NF_ACCEPT);
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, kTable);
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, nat ? kNatChain : kForwardChain);
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, nat ? "nat" : "filter");
  return c;
}

}  // namespace qc::netd::nft
