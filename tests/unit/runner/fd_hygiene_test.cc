// What QEMU would inherit after PrepareFdsForExec: only stdio and the fds
// named for it; the control socket survives until exec only.
#include "fd_hygiene.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace qc::runner {
namespace {

bool IsOpen(int fd) {
  return fcntl(fd, F_GETFD) >= 0;
}
bool IsCloexec(int fd) {
  return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

// Runs the check in a child (it closes fds, which the test process needs)
// and returns the child's verdict: "" if all held, else what failed.
std::string InChild(const std::vector<int>& keep, int control, const std::vector<int>& others) {
  int report[2];
  if (pipe(report) != 0) {
    return "pipe failed";
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(report[0]);
    // Keep the report pipe by naming it as one of the fds to keep.
    std::vector<int> k = keep;
    k.push_back(report[1]);
    std::string err;
    std::string verdict;
    if (!PrepareFdsForExec(k, control, &err)) {
      verdict = "PrepareFdsForExec: " + err;
    }
    for (int fd : keep) {
      if (!IsOpen(fd) || IsCloexec(fd)) {
        verdict += "kept fd " + std::to_string(fd) + " not inheritable; ";
      }
    }
    if (!IsOpen(control) || !IsCloexec(control)) {
      verdict += "control fd not open+cloexec; ";
    }
    for (int fd : others) {
      if (IsOpen(fd)) {
        verdict += "fd " + std::to_string(fd) + " still open; ";
      }
    }
    (void)write(report[1], verdict.data(), verdict.size());
    _exit(0);
  }
  close(report[1]);
  std::string verdict;
  char buf[256];
  ssize_t n;
  while ((n = read(report[0], buf, sizeof(buf))) > 0) {
    verdict.append(buf, static_cast<std::size_t>(n));
  }
  close(report[0]);
  waitpid(pid, nullptr, 0);
  return verdict;
}

TEST(PrepareFdsForExec, KeepsNamedFdsAndClosesTheRest) {
  std::vector<int> fds;
  fds.reserve(6);
  for (int i = 0; i < 6; ++i) {
    fds.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));  // cloexec like received fds
  }
  int control = fds[0];
  std::vector<int> keep = {fds[2], fds[4]};
  std::vector<int> others = {fds[1], fds[3], fds[5]};
  EXPECT_EQ(InChild(keep, control, others), "");
  for (int fd : fds) {
    close(fd);
  }
}

TEST(PrepareFdsForExec, ReportsAKeptFdThatIsNotOpen) {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int control = open("/dev/null", O_RDONLY | O_CLOEXEC);
  close(fd);  // now a hole
  std::string verdict = InChild({fd}, control, {});
  EXPECT_EQ(
      verdict.rfind(
          "PrepareFdsForExec: fd " + std::to_string(fd) + " for QEMU: Bad file descriptor", 0),
      0U)
      << verdict;
  close(control);
}

}  // namespace
}  // namespace qc::runner
