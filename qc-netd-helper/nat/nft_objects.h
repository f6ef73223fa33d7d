// Builds the libnftnl objects of table "ip qemu_compose": the table, its two
// base chains and one bridge's rules. No netlink I/O.
#pragma once

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace qc::netd::nft {

inline constexpr char kTable[] = "qemu_compose";

struct Free {
  void operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
  void operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
  void operator()(nftnl_table* t) const { nftnl_table_free(t); }
};
using RulePtr = std::unique_ptr<nftnl_rule, Free>;
using ChainPtr = std::unique_ptr<nftnl_chain, Free>;
using TablePtr = std::unique_ptr<nftnl_table, Free>;

// libnftnl fails only on allocation, which aborts here as everywhere in the helper.
template <typename T>
T* Must(T* p) {
  if (p == nullptr) {
    std::abort();
  }
  return p;
}

// The rule userdata tagging `bridge`'s rules: an nft comment holding its name.
std::string BridgeTag(const std::string& bridge);
// A rule's chain and expressions (not handle, not comment), to compare a dumped
// rule with a freshly built one.
std::string Fingerprint(nftnl_rule* r);
// The five rules of `bridge` in nat.h's order.
std::vector<RulePtr> BuildBridgeRules(const std::string& bridge, uint32_t subnet_be,
                                      uint32_t mask_be);
TablePtr BuildTable();
// The nat postrouting chain, or the filter forward chain.
ChainPtr BuildChain(bool nat);

}  // namespace qc::netd::nft
