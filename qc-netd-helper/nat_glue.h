// Calls into the NAT module (qc-netd-helper/nat/, written separately) when it
// is part of the build; otherwise NAT requests fail with a clear reason.
#pragma once

#include <cstdint>
#include <string>

#if QC_HAVE_NAT
#include "nat/nat.h"
#endif

namespace qc::netd {

inline bool NatOn(const std::string& bridge, uint32_t subnet_be, int prefix, std::string* err) {
#if QC_HAVE_NAT
  return NatEnable(bridge, subnet_be, prefix, err);
#else
  *err = "this helper was built without the NAT module";
  return false;
#endif
}

inline bool NatOff(const std::string& bridge, std::string* err) {
#if QC_HAVE_NAT
  return NatDisable(bridge, err);
#else
  return true;  // nothing can have been enabled
#endif
}

inline bool NatOnFor(const std::string& bridge) {
#if QC_HAVE_NAT
  return NatIsEnabled(bridge);
#else
  return false;
#endif
}

}  // namespace qc::netd
