// Environment abuse: the caller controls the helper's environment and its
// fds 0-2. None of it may change what the setcap'd helper does: it answers
// the same, launches the real dnsmasq, keeps the same privileges, and the
// loader never maps a caller's library into it (AT_SECURE).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "hostile_util.h"
#include "seqpacket.h"

namespace qc::itest {
namespace {

std::string Link(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
}

// What is left of the caller's environment in /proc/<pid>/environ. The
// helper zeroes every string still in `environ`; the loader (AT_SECURE) has
// already dropped its unsecure variables from `environ` without erasing them,
// so those stay visible there (to root only: the process is not dumpable).
std::string EnvironLeft(pid_t pid) {
  static const std::vector<std::string> kLoaderDropped = {
      "LD_",          "GCONV_PATH=",  "GETCONF_DIR=",      "GLIBC_TUNABLES=",
      "HOSTALIASES=", "LOCALDOMAIN=", "LOCPATH=",          "MALLOC_",
      "NIS_PATH=",    "NLSPATH=",     "RESOLV_HOST_CONF=", "RES_OPTIONS=",
      "TMPDIR=",      "TZDIR="};
  std::string left;
  std::string all = ReadFile("/proc/" + std::to_string(pid) + "/environ");
  for (std::size_t start = 0, end = 0; start < all.size(); start = end + 1) {
    end = std::min(all.find('\0', start), all.size());
    std::string var = all.substr(start, end - start);
    bool dropped = false;
    for (const std::string& p : kLoaderDropped) {
      dropped = dropped || var.starts_with(p);
    }
    if (!var.empty() && !dropped) {
      left += var + ";";
    }
  }
  return left;
}

// The transcript without the lines about fds 0-2.
std::string WithoutStdio(const std::string& transcript) {
  std::string out;
  for (std::size_t start = 0, end = 0; start < transcript.size(); start = end + 1) {
    end = std::min(transcript.find('\n', start), transcript.size());
    if (transcript.compare(start, 10, "helper fd ") != 0) {
      out.append(transcript, start, end - start + 1);
    }
  }
  return out;
}

// A fixed session against the helper started as `argv` (which execs it
// with fd 3 = our socket); returns a transcript of everything observable
// that should not depend on the caller's environment.
std::string Session(const Netns& ns, const std::vector<std::string>& argv,
                    const std::string& state_dir) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return "socketpair failed";
  }
  pid_t pid = ns.Spawn(&UserA(), argv, sv[1]);
  close(sv[1]);
  std::string t;
  auto call = [&](const netd::Request& req, netd::Reply* r) {
    std::string bytes;
    req.SerializeToString(&bytes);
    Received in;
    bool ok = SendMessage(sv[0], bytes.data(), bytes.size()) == 0 &&
              ReceiveMessage(sv[0], &in) == 0 && !in.eof &&
              r->ParseFromArray(in.bytes.data(), static_cast<int>(in.bytes.size()));
    for (int fd : in.fds) {
      close(fd);
    }
    return ok;
  };
  netd::Request hello;
  hello.mutable_hello()->set_version(kProtocolVersion);
  netd::Reply r;
  for (const netd::Request& req :
       {hello, CreateBridgeReq("qc-env"), AddAddressReq("qc-env", "172.16.95.1/24"),
        CreateBridgeReq("qc-ENV"), AddAddressReq("qc-env", "10.0.0.1/24")}) {
    t += call(req, &r) ? netd::Status_Name(r.status()) + " " + r.message() + "\n" : "no reply\n";
  }
  std::string pid_s = std::to_string(pid);
  t += "helper CapEff " + StatusField(pid, "CapEff") + " CapPrm " + StatusField(pid, "CapPrm") +
       " Seccomp " + StatusField(pid, "Seccomp") + " NoNewPrivs " + StatusField(pid, "NoNewPrivs") +
       "\n";
  t += "helper environ '" + EnvironLeft(pid) + "'\n";
  t += "environ readable by the caller: " +
       std::to_string(ns.RunAs(UserA(), "cat /proc/" + pid_s + "/environ").exit_code == 0) + "\n";
  for (int fd = 0; fd < 3; ++fd) {
    t += "helper fd " + std::to_string(fd) + " " +
         Link("/proc/" + pid_s + "/fd/" + std::to_string(fd)) + "\n";
  }
  if (ReadFile("/proc/" + pid_s + "/maps").find("qc_hostile_preload") != std::string::npos ||
      ReadFile("/proc/" + pid_s + "/maps").find(state_dir) != std::string::npos) {
    t += "a library of the caller is mapped into the helper\n";
  }
  int dnsmasq = 0;
  if (call(StartDhcpReq("qc-env", state_dir, "env.test"), &r)) {
    dnsmasq = r.dhcp().pid();
    t += "StartDhcp " + netd::Status_Name(r.status()) + " existed " +
         std::to_string(static_cast<int>(r.already_existed())) + "\n";
    t += "dnsmasq exe " + Link("/proc/" + std::to_string(dnsmasq) + "/exe") + " CapEff " +
         StatusField(dnsmasq, "CapEff") + "\n";
  }
  t += call(DeleteBridgeReq("qc-env"), &r) ? netd::Status_Name(r.status()) + "\n" : "no reply\n";
  if (dnsmasq > 0 && !WaitFor([&] { return !Alive(dnsmasq); }, 20000)) {
    t += "dnsmasq still running\n";
  }
  close(sv[0]);
  t += "exit " + std::to_string(WaitPid(pid, 20000)) + "\n";
  return t;
}

TEST(HostileEnvironment, CallersEnvironmentAndClosedStdioChangeNothing) {
  Netns ns;
  const std::string helper = GetInstall().helper;
  const std::string dir = ScratchDir(UserA());
  const std::string marker = dir + "/loaded-marker";
  // The caller's library, fake dnsmasq and fake libmnl, all in the caller's dir.
  ASSERT_EQ(ns.Run("cp " QC_HOSTILE_PRELOAD " " + dir + "/qc_hostile_preload.so && mkdir " + dir +
                   "/lib " + dir + "/bin && cp " QC_HOSTILE_PRELOAD " " + dir +
                   "/lib/libmnl.so.0 && printf '#!/bin/sh\\necho fake >> " + marker + "\\n' > " +
                   dir + "/bin/dnsmasq && chmod 755 " + dir + "/bin/dnsmasq && cp " + helper + " " +
                   dir + "/uncapped-helper && chown -R " + UserA().name + " " + dir)
                .exit_code,
            0);
  // Controls: the same tricks do work on ordinary programs of the caller.
  // (The fake libmnl lacks libmnl's symbol versions, so the loader names it
  // in its error instead of running it.)
  CmdResult ctl = ns.RunAs(
      UserA(), "env QC_PRELOAD_MARKER=" + marker + " LD_PRELOAD=" + dir +
                   "/qc_hostile_preload.so /bin/true; env PATH=" + dir + "/bin dnsmasq; cat " +
                   marker + "; env LD_LIBRARY_PATH=" + dir + "/lib " + dir + "/uncapped-helper");
  ASSERT_EQ(ctl.out, "loaded\nfake\n") << ctl.out << ctl.err;
  ASSERT_NE(ctl.err.find(dir + "/lib/libmnl.so.0"), std::string::npos) << ctl.err;
  ASSERT_EQ(ns.Run("rm " + marker).exit_code, 0);

  const std::string baseline = Session(ns, {helper}, dir);
  ASSERT_NE(baseline.find("OK bridge qc-env created"), std::string::npos) << baseline;
  ASSERT_NE(baseline.find("dnsmasq exe " QC_DNSMASQ_PATH " CapEff 0000000000001400"),
            std::string::npos)
      << baseline;
  ASSERT_NE(baseline.find("helper environ ''"), std::string::npos) << baseline;
  const std::string m = "QC_PRELOAD_MARKER=" + marker;
  // The shell exports the variables only after it has itself been loaded, so
  // only the helper's loader can see them.
  auto with_env = [&](std::vector<std::string> env, const std::string& redirect = "") {
    std::vector<std::string> argv = {
        "/bin/sh", "-c", "for kv; do export \"$kv\"; done; exec " + helper + redirect, "sh"};
    argv.insert(argv.end(), env.begin(), env.end());
    return argv;
  };
  struct Case {
    const char* what;
    std::vector<std::string> argv;
    bool closed_stdio = false;
  };
  for (const Case& k : {
           Case{"LD_PRELOAD", with_env({m, "LD_PRELOAD=" + dir + "/qc_hostile_preload.so"})},
           Case{"LD_LIBRARY_PATH", with_env({m, "LD_LIBRARY_PATH=" + dir + "/lib"})},
           Case{"LD_AUDIT and LD_DEBUG",
                with_env({m, "LD_AUDIT=" + dir + "/qc_hostile_preload.so", "LD_DEBUG=all",
                          "LD_DEBUG_OUTPUT=" + dir + "/ld-debug"})},
           Case{"PATH with a fake dnsmasq", with_env({"PATH=" + dir + "/bin"})},
           Case{"odd locale", with_env({"LANG=xx_XX.garbage", "LC_ALL=xx_XX.garbage",
                                        "LANGUAGE=../../../tmp", "LOCPATH=" + dir})},
           Case{"TMPDIR and HOME", with_env({"TMPDIR=/nonexistent", "HOME=/root"})},
           Case{"GCONV_PATH and MALLOC_*",
                with_env({"GCONV_PATH=" + dir, "MALLOC_CHECK_=3", "MALLOC_PERTURB_=165",
                          "GLIBC_TUNABLES=glibc.malloc.check=3"})},
           Case{"closed stdin/stdout/stderr", with_env({}, " <&- >&- 2>&-"), true},
       }) {
    std::string got = Session(ns, k.argv, dir);
    EXPECT_EQ(WithoutStdio(got), WithoutStdio(baseline)) << k.what;
    EXPECT_EQ(ReadFile(marker), "") << k.what << ": the caller's code ran in the helper";
    if (!k.closed_stdio) {
      EXPECT_EQ(got, baseline) << k.what;  // same fds 0-2 as well
    } else {
      // fds 0-2 were closed: the helper fills them with a device, so neither
      // its socket nor any later fd can be mistaken for them.
      for (int fd = 0; fd < 3; ++fd) {
        std::string line = "helper fd " + std::to_string(fd) + " /dev/";
        EXPECT_NE(got.find(line + "null\n"), got.find(line + "full\n")) << got;
      }
    }
  }
  EXPECT_EQ(ns.Run("ls " + dir + " | grep ld-debug").out, "");
}

}  // namespace
}  // namespace qc::itest
