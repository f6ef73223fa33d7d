// Stands in for qemu-system-x86_64 in the launch tests: records what it was
// given (argv, inherited fds, no_new_privs, session) in <dir of -pidfile>/
// fake-qemu.report, then waits to be killed like a running VM.
#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  std::string dir;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "-pidfile") {
      dir = argv[i + 1];
      dir = dir.substr(0, dir.rfind('/'));
    }
  }
  if (dir.empty()) {
    (void)std::fprintf(stderr, "fake-qemu: no -pidfile\n");
    return 1;
  }
  std::string fds;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) {
    return 1;
  }
  int own = dirfd(d);
  for (dirent* e = readdir(d); e != nullptr; e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != ".." && name != std::to_string(own)) {
      fds += name + " ";
    }
  }
  closedir(d);
  std::string nnp;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("NoNewPrivs:", 0) == 0) {
      nnp = line.substr(line.find_first_not_of(" \t", 11));
    }
  }
  std::string tmp = dir + "/fake-qemu.report.tmp";
  {
    std::ofstream out(tmp);
    out << "pid " << getpid() << "\n";
    out << "session_leader " << (getsid(0) == getpid() ? "yes" : "no") << "\n";
    out << "no_new_privs " << nnp << "\n";
    out << "fds " << fds << "\n";
    for (int i = 0; i < argc; ++i) {
      out << "arg " << argv[i] << "\n";
    }
  }
  (void)std::rename(tmp.c_str(), (dir + "/fake-qemu.report").c_str());
  for (;;) {
    pause();
  }
}
