// `pull` against a local HTTP server that logs every request: downloads
// once, reuses the cache without a request, revalidates, resumes with
// Range, and fails with one clear line.
#include <signal.h>
#include <sys/stat.h>

#include <climits>
#include <nlohmann/json.hpp>

#include "images_fixture.h"

namespace qc::itest {
namespace {

constexpr long kMiB = 1 << 20;

TEST_F(ImagesTest, FreshPullDownloadsOnceIntoAReadOnlyEntry) {
  std::string sha = server_.AddRandom("disk.raw", 3 * kMiB);
  UseImage(ImageServer::Url("files/disk.raw"), "sha256:" + sha);
  CmdResult r = Qc("pull");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("✓ v: disk.raw: pulled (sha256:" + sha.substr(0, 12)), std::string::npos)
      << r.out;

  auto gets = server_.RequestsFor("/files/disk.raw");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].status, 200);
  EXPECT_EQ(gets[0].bytes, 3 * kMiB);

  // One entry named by a hash of the URL, the image named by its digest,
  // read-only, and `images` says where it is.
  auto imgs = CacheFiles(".img");
  ASSERT_EQ(imgs.size(), 1u);
  EXPECT_NE(imgs[0].find("/sha256-" + sha + ".img"), std::string::npos) << imgs[0];
  EXPECT_EQ(imgs[0].find("disk.raw"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(imgs[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  EXPECT_EQ(server_.Sha(imgs[0]), sha);
  CmdResult images = Qc("images --format json");
  ASSERT_EQ(images.exit_code, 0) << images.err;
  auto j = nlohmann::json::parse(images.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["path"], imgs[0]);
  EXPECT_EQ(j[0]["digest"], "sha256:" + sha);
  EXPECT_EQ(j[0]["size"], 3 * kMiB);
  EXPECT_TRUE(CacheFiles(".partial").empty());
}

TEST_F(ImagesTest, PinnedCachedPullMakesNoRequestAndWorksOffline) {
  std::string sha = server_.AddRandom("disk.raw", kMiB);
  UseImage(ImageServer::Url("files/disk.raw"), "sha256:" + sha);
  ASSERT_EQ(Qc("pull -q").exit_code, 0);
  ASSERT_EQ(server_.Requests().size(), 1u);

  CmdResult again = Qc("pull");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("up to date"), std::string::npos) << again.out;
  EXPECT_EQ(server_.Requests().size(), 1u) << "a digest-pinned cached image needs no request";

  server_.Stop();
  CmdResult offline = Qc("pull");
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  // The same URL from a second project: the same entry.
  std::string other = ScratchDir(UserA());
  UseImage(ImageServer::Url("files/disk.raw"), "sha256:" + sha, other);
  EXPECT_EQ(Qc("pull -q", {}, other).exit_code, 0);
  EXPECT_EQ(CacheFiles(".img").size(), 1u);
}

TEST_F(ImagesTest, UnpinnedPullRevalidatesAndFetchesANewVersion) {
  std::string v1 = server_.AddRandom("disk.raw", kMiB);
  UseImage(ImageServer::Url("files/disk.raw"));
  ASSERT_EQ(Qc("pull -q").exit_code, 0);

  ASSERT_EQ(Qc("pull -q").exit_code, 0);
  auto reqs = server_.RequestsFor("/files/disk.raw");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].status, 304);
  EXPECT_FALSE(reqs[1].if_none_match.empty());

  // `up --pull missing` (the default) would not even ask; `pull` does, and
  // a changed file is downloaded again and replaces the old one.
  std::string v2 = server_.AddRandom("disk.raw", 2 * kMiB);
  CmdResult r = Qc("pull -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  reqs = server_.RequestsFor("/files/disk.raw");
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[2].status, 200);
  auto imgs = CacheFiles(".img");
  ASSERT_EQ(imgs.size(), 1u) << "the old version, used by no VM, is gone";
  EXPECT_NE(imgs[0].find(v2), std::string::npos);

  // Offline, a revalidation failure is a note, not an error.
  server_.Stop();
  CmdResult offline = Qc("pull");
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_NE(offline.err.find("using the cached copy"), std::string::npos) << offline.err;
}

TEST_F(ImagesTest, FileUrlsAreCachedAndRevalidatedByTheFileTime) {
  server_.AddRandom("disk.raw", kMiB);
  UseImage("file://" + server_.dir() + "/disk.raw");
  CmdResult first = Qc("pull");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("v: disk.raw: pulled"), std::string::npos) << first.out;
  CmdResult same = Qc("pull");
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("v: disk.raw: up to date"), std::string::npos) << same.out;
  ASSERT_EQ(server_.Shell("touch -d '+1 hour' disk.raw").exit_code, 0);
  CmdResult newer = Qc("pull");
  ASSERT_EQ(newer.exit_code, 0) << newer.err;
  EXPECT_NE(newer.out.find("v: disk.raw: pulled"), std::string::npos) << newer.out;
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(ImagesTest, ConcurrentPullsOfOneUrlDownloadOnce) {
  std::string sha = server_.AddRandom("disk.raw", 4 * kMiB);  // /slow/: about 4 s
  std::string other = ScratchDir(UserA());
  UseImage(ImageServer::Url("slow/disk.raw"), "sha256:" + sha);
  UseImage(ImageServer::Url("slow/disk.raw"), "sha256:" + sha, other);
  const std::string& qc = GetInstall().frontend;
  pid_t a = ns_.Spawn(&UserA(), {qc, "-f", project_ + "/qemu-compose.yaml", "pull"}, -1, Env(),
                      project_ + "/a.out", project_ + "/a.err");
  pid_t b = ns_.Spawn(&UserA(), {qc, "-f", other + "/qemu-compose.yaml", "pull"}, -1, Env(),
                      other + "/b.out", other + "/b.err");
  EXPECT_EQ(WaitPid(a, kCmdTimeoutMs), 0) << ReadFile(project_ + "/a.err");
  EXPECT_EQ(WaitPid(b, kCmdTimeoutMs), 0) << ReadFile(other + "/b.err");
  auto gets = server_.RequestsFor("/slow/disk.raw");
  ASSERT_EQ(gets.size(), 1u) << "two pulls, one download";
  EXPECT_EQ(gets[0].bytes, 4 * kMiB);
  std::string errs = ReadFile(project_ + "/a.err") + ReadFile(other + "/b.err");
  EXPECT_NE(errs.find("waiting for another pull"), std::string::npos) << errs;
  EXPECT_EQ(CacheFiles(".img").size(), 1u);
}

TEST_F(ImagesTest, KilledPullResumesWithRange) {
  std::string sha = server_.AddRandom("disk.raw", 8 * kMiB);  // /slow/: about 8 s
  UseImage(ImageServer::Url("slow/disk.raw"), "sha256:" + sha);
  pid_t pull =
      ns_.Spawn(&UserA(), {GetInstall().frontend, "-f", project_ + "/qemu-compose.yaml", "pull"},
                -1, Env(), project_ + "/p.out", project_ + "/p.err");
  long long kept = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto partials = CacheFiles(".partial");
        std::error_code ec;
        kept = partials.empty() ? 0 : std::filesystem::file_size(partials[0], ec);
        return kept >= 2 * kMiB;
      },
      kCmdTimeoutMs));
  kill(pull, SIGKILL);
  WaitPid(pull, 10000);
  auto partials = CacheFiles(".partial");
  ASSERT_EQ(partials.size(), 1u);
  kept = static_cast<long long>(std::filesystem::file_size(partials[0]));
  EXPECT_TRUE(CacheFiles(".img").empty());

  CmdResult resumed = Qc("pull");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming at"), std::string::npos) << resumed.err;
  auto reqs = server_.RequestsFor("/slow/disk.raw");
  ASSERT_GE(reqs.size(), 2u);
  const LoggedRequest& last = reqs.back();
  EXPECT_EQ(last.status, 206);
  EXPECT_EQ(last.range, "bytes=" + std::to_string(kept) + "-");
  EXPECT_FALSE(last.if_range.empty()) << "the resume is pinned to one version";
  EXPECT_EQ(last.bytes, 8 * kMiB - kept) << "only the missing bytes travel";
  auto imgs = CacheFiles(".img");
  ASSERT_EQ(imgs.size(), 1u);
  EXPECT_EQ(server_.Sha(imgs[0]), sha);
  EXPECT_TRUE(CacheFiles(".partial").empty());
}

TEST_F(ImagesTest, WrongDigestNamesBothAndCachesNothing) {
  std::string sha = server_.AddRandom("disk.raw", kMiB);
  std::string wrong(64, '0');
  UseImage(ImageServer::Url("files/disk.raw"), "sha256:" + wrong);
  CmdResult r = Qc("pull -q");
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("expected sha256:" + wrong + ", got sha256:" + sha), std::string::npos)
      << r.err;
  EXPECT_TRUE(CacheFiles(".img").empty());
  EXPECT_TRUE(CacheFiles(".partial").empty());
  // sha512 works the same way.
  UseImage(ImageServer::Url("files/disk.raw"), "sha512:" + server_.Sha("disk.raw", "sha512"));
  EXPECT_EQ(Qc("pull -q").exit_code, 0);
}

TEST_F(ImagesTest, HttpErrorsResetsAndStallsAreOneLineEach) {
  server_.AddRandom("disk.raw", 2 * kMiB);
  struct Case {
    std::string path;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {"files/missing.raw", "HTTP 404 Not Found"},
           {"status/500", "HTTP 500 Internal Server Error"},
           {"reset/disk.raw",
            "connection lost after 1.0 MiB of 2.0 MiB (Connection reset by peer)"},
           {"stall/disk.raw", "the server stalled: no data for 3 s after 64.0 KiB of 2.0 MiB"},
           {"redirect-file", "refused a redirect to another scheme"},
       }) {
    UseImage(ImageServer::Url(c.path));
    CmdResult r = Qc("pull -q", {"QEMU_COMPOSE_PULL_TIMEOUT=3"});
    EXPECT_EQ(r.exit_code, 1) << c.path;
    ASSERT_EQ(Lines(r.err).size(), 1u) << c.path << ": " << r.err;
    EXPECT_TRUE(r.err.starts_with("error: pull v: " + ImageServer::Url(c.path) + ": ")) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
  // Nobody listening at all.
  UseImage("http://127.0.0.1:9/disk.raw");
  CmdResult refused = Qc("pull -q");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(Lines(refused.err).size(), 1u) << refused.err;
  EXPECT_NE(refused.err.find("cannot connect to 127.0.0.1:9: Connection refused"),
            std::string::npos)
      << refused.err;
  EXPECT_TRUE(CacheFiles(".img").empty());
}

TEST_F(ImagesTest, HttpProxyFromTheEnvironmentIsUsed) {
  std::string sha = server_.AddRandom("disk.raw", kMiB);
  // No such host: only the proxy can answer.
  UseImage("http://images.invalid/files/disk.raw", "sha256:" + sha);
  CmdResult r = Qc("pull -q", {"http_proxy=http://127.0.0.1:8080"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto via_proxy = server_.RequestsFor("http://images.invalid/files/disk.raw");
  ASSERT_EQ(via_proxy.size(), 1u);
  EXPECT_EQ(via_proxy[0].status, 200);

  // no_proxy names the server: it is asked directly, the dead proxy never.
  UseImage(ImageServer::Url("files/disk.raw"), "sha256:" + sha);
  CmdResult direct = Qc("pull -q", {"http_proxy=http://127.0.0.1:9", "no_proxy=127.0.0.1"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_EQ(server_.RequestsFor("/files/disk.raw").size(), 1u);
}

TEST_F(ImagesTest, RedirectsAreFollowed) {
  std::string sha = server_.AddRandom("disk.raw", kMiB);
  UseImage(ImageServer::Url("redirect/disk.raw"), "sha256:" + sha);
  CmdResult r = Qc("pull -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.RequestsFor("/redirect/disk.raw").size(), 1u);
  auto gets = server_.RequestsFor("/files/disk.raw");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].status, 200);
  EXPECT_EQ(CacheFiles(".img").size(), 1u);
}

TEST_F(ImagesTest, TlsCertificatesAreVerified) {
  server_.AddRandom("disk.raw", kMiB);
  UseImage("https://127.0.0.1:8443/files/disk.raw");
  CmdResult r = Qc("pull -q");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("TLS: "), std::string::npos) << r.err;
  EXPECT_TRUE(server_.RequestsFor("/files/disk.raw").empty())
      << "no request without a valid certificate";
}

TEST_F(ImagesTest, BadUrlsAreRefusedAtTheirLine) {
  struct Case {
    std::string image;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {"ftp://127.0.0.1/disk.raw", "unsupported URL scheme 'ftp'"},
           {"\"\"", "'image' must not be empty"},
           {"file://../disk.raw", "a file URL must name a local absolute path"},
           {"http://127.0.0.1:8080/files/../../etc/passwd", "'.' or '..' segments"},
       }) {
    UseImage(c.image);
    CmdResult r = Qc("pull -q");
    EXPECT_EQ(r.exit_code, 3) << c.image;
    EXPECT_NE(r.err.find("qemu-compose.yaml:3:12: vm 'v': "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(ImagesTest, ProgressIsABarOnATerminalLinesOtherwiseNothingWhenQuiet) {
  std::string sha = server_.AddRandom("disk.raw", 7 * kMiB);  // /slow/: about 7 s
  UseImage(ImageServer::Url("slow/disk.raw"), "sha256:" + sha);
  CmdResult plain = Qc("pull --force");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.err.find("pulling v: disk.raw (7.0 MiB)\n"), std::string::npos) << plain.err;
  bool periodic = false;
  for (const auto& line : Lines(plain.err)) {
    periodic = periodic || (line.starts_with("v: disk.raw: ") && line.ends_with("/s"));
  }
  EXPECT_TRUE(periodic) << "a periodic line: " << plain.err;
  EXPECT_EQ(plain.err.find('\r'), std::string::npos);

  CmdResult quiet = Qc("pull --force -q");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out + quiet.err, "");

  // script(1) gives the command a terminal.
  CmdResult tty = ns_.RunWithTimeout(
      &UserA(),
      "cd " + project_ + " && script -qec '" + GetInstall().frontend + " pull --force' /dev/null",
      kCmdTimeoutMs, Env({"TERM=xterm"}));
  ASSERT_EQ(tty.exit_code, 0) << tty.out;
  EXPECT_NE(tty.out.find("\r\x1b[K"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("ETA "), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("iB/s"), std::string::npos) << tty.out;
  EXPECT_EQ(server_.RequestsFor("/slow/disk.raw").size(), 3u) << "--force downloads again";
}

}  // namespace
}  // namespace qc::itest
