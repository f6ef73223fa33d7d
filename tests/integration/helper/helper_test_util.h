// Shared bits of the helper integration tests.
#pragma once

#include <string>

#include "client.h"
#include "harness.h"

namespace qc::itest {

// Everything a refused request must leave unchanged: links, addresses,
// routes and the nftables ruleset, once the kernel's own follow-up changes
// have settled (see the .cc for what is left out and why).
std::string NetDump(const Netns& ns);

// A helper started as u in ns that has completed Hello (asserts on failure).
void StartHello(HelperClient* c, const Netns& ns, const User& u);

// Fields of /proc/<pid>/status, e.g. "CapEff" -> "0000000000001000".
std::string StatusField(int pid, const std::string& key);

}  // namespace qc::itest
