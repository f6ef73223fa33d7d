// Builds the libnftnl objects (table, chains, per-bridge rules) of table
// "ip qemu_compose". Pure construction: no netlink I/O happens here.
#pragma once

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace qc::netd::nft {

inline constexpr char kTable[] = "qemu_compose";
inline constexpr char kNatChain[] = "postrouting";
inline constexpr char kForwardChain[] = "forward";

struct RuleFree {
  void operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
};
struct TableFree {
  void operator()(nftnl_table* t) const { nftnl_table_free(t); }
};
struct ChainFree {
  void operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
};
using RulePtr = std::unique_ptr<nftnl_rule, RuleFree>;
using TablePtr = std::unique_ptr<nftnl_table, TableFree>;
using ChainPtr = std::unique_ptr<nftnl_chain, ChainFree>;

struct BridgeRule {
  RulePtr rule;
  bool at_head;  // inserted before every existing rule of its chain instead of appended
};

// The rule userdata that tags `bridge`'s rules: an nft comment holding the bridge name.
std::string BridgeTag(const std::string& bridge);

// What a rule matches and does (chain and expressions, without handle or
// comment), so a dumped rule can be compared with a freshly built one.
std::string Fingerprint(nftnl_rule* r);

// The five rules of `bridge` (see nat.h); empty when allocation fails.
std::vector<BridgeRule> BuildBridgeRules(const std::string& bridge, uint32_t subnet_be,
                                         uint32_t mask_be);

// The table and its two base chains; nullptr when allocation fails.
TablePtr BuildTable();
ChainPtr BuildNatChain();
ChainPtr BuildForwardChain();

}  // namespace qc::netd::nft
