#include "drop_caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstring>

namespace qc::runner {

bool DropAllCapabilities(std::string* err) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    *err = std::string("clearing the ambient capabilities: ") + std::strerror(errno);
    return false;
  }
  cap_t none = cap_init();  // all three sets empty
  const bool ok = none != nullptr && cap_set_proc(none) == 0;
  const int saved = errno;
  cap_free(none);
  if (!ok) {
    *err = std::string("dropping capabilities: ") + std::strerror(saved);
  }
  return ok;
}

}  // namespace qc::runner
