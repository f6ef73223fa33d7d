#include "shared_dirs.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "subprocess.h"
#include "virtiofs.h"

namespace qc::runner {
namespace {

// A listening unix socket at path (a stale one from a dead run is replaced).
int Listen(const std::string& path, std::string* error) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    *error = path + ": too long for a unix socket";
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  (void)unlink(path.c_str());
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 1) != 0) {
    *error = "listening on " + path + ": " + std::strerror(errno);
    if (fd >= 0) {
      close(fd);
    }
    return -1;
  }
  return fd;
}

}  // namespace

std::string SharedDirSocket(const qc::vm::VmSpec& spec, int index) {
  return spec.instance_dir() + "/fs" + std::to_string(index) + ".sock";
}

bool StartVirtiofsDaemons(const qc::vm::VmSpec& spec, const std::string& qc_fsd,
                          std::string* error) {
  const std::string log = spec.instance_dir() + "/virtiofsd.log";
  for (int i = 0; i < spec.shared_dirs_size(); ++i) {
    const auto& dir = spec.shared_dirs(i);
    if (dir.transport() != qc::vm::SharedDir::VIRTIOFS) {
      continue;
    }
    const int listen_fd = Listen(SharedDirSocket(spec, i), error);
    if (listen_fd < 0) {
      return false;
    }
    const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
      *error = "opening " + log + ": " + std::strerror(errno);
      close(listen_fd);
      return false;
    }
    SpawnOptions opts;
    opts.argv = {qc_fsd, kVirtiofsdPath, dir.source(), dir.readonly() ? "ro" : "rw"};
    opts.in = Redirect::Null();
    opts.out = Redirect::Fd(log_fd);
    opts.err = Redirect::Fd(log_fd);
    opts.pass_fds = {{3, listen_fd}};
    Child child;
    const bool ok = Spawn(opts, &child, error);
    close(listen_fd);
    close(log_fd);
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace qc::runner
