// A library that must never be loaded into the setcap'd helper. Its
// constructor writes a marker file (path from QC_PRELOAD_MARKER) so a test
// can see whether the dynamic loader mapped it into a process.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace {

__attribute__((constructor)) void LeaveMarker() {
  const char* path = std::getenv("QC_PRELOAD_MARKER");
  if (path == nullptr) {
    return;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd >= 0) {
    (void)write(fd, "loaded\n", 7);
    close(fd);
  }
}

}  // namespace
