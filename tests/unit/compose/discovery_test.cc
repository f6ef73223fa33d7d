// Which file is read and what the project is called, with the precedence
// a user relies on; unreadable input gets a clear error.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "subprocess.h"
#include "test_util.h"

namespace qc::compose {
namespace {

constexpr const char* kMinimal = "vms:\n  web:\n    image: disk.qcow2\n";

std::string WithImage(const std::string& image) {
  return "vms:\n  web:\n    image: " + image + "\n";
}

LoadOptions In(const testing::ScratchDir& dir) {
  LoadOptions opts;
  opts.cwd = dir.path().string();
  return opts;
}

TEST(Discovery, FlagBeatsEnvironmentBeatsDefaultNames) {
  testing::ScratchDir dir;
  dir.Write("qemu-compose.yaml", WithImage("default.qcow2"));
  dir.Write("from-env.yaml", WithImage("env.qcow2"));
  dir.Write("sub/from-flag.yaml", WithImage("flag.qcow2"));
  LoadOptions opts = In(dir);
  opts.env["QEMU_COMPOSE_FILE"] = "from-env.yaml";
  opts.file = "sub/from-flag.yaml";

  testing::LoadResult r = testing::LoadWith(opts);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.vms.at("web").image, (dir.path() / "sub/flag.qcow2").string());
  EXPECT_EQ(r.project.project_dir, (dir.path() / "sub").string());

  opts.file.clear();
  r = testing::LoadWith(opts);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.vms.at("web").image, (dir.path() / "env.qcow2").string());

  opts.env.clear();
  r = testing::LoadWith(opts);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.vms.at("web").image, (dir.path() / "default.qcow2").string());
  EXPECT_EQ(r.project.compose_file, (dir.path() / "qemu-compose.yaml").string());
}

TEST(Discovery, YmlIsFoundAndYamlWinsWithAWarning) {
  testing::ScratchDir dir;
  dir.Write("qemu-compose.yml", WithImage("yml.qcow2"));
  testing::LoadResult r = testing::LoadWith(In(dir));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.vms.at("web").image, (dir.path() / "yml.qcow2").string());
  EXPECT_TRUE(r.warnings.empty());

  dir.Write("qemu-compose.yaml", WithImage("yaml.qcow2"));
  r = testing::LoadWith(In(dir));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.vms.at("web").image, (dir.path() / "yaml.qcow2").string());
  EXPECT_EQ(r.warnings,
            std::vector<std::string>{"found both qemu-compose.yaml and "
                                     "qemu-compose.yml in " +
                                     dir.path().string() + "; using qemu-compose.yaml"});
}

TEST(Discovery, NoFileAnywhere) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadWith(In(dir));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "no qemu-compose.yaml or qemu-compose.yml in " + dir.path().string() +
                         " (use -f FILE or set QEMU_COMPOSE_FILE)");
}

TEST(Discovery, MissingFileNamedAsGiven) {
  testing::ScratchDir dir;
  LoadOptions opts = In(dir);
  opts.file = "nope/compose.yaml";
  const testing::LoadResult r = testing::LoadWith(opts);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "nope/compose.yaml: cannot open: No such file or directory");
}

TEST(Discovery, DirectoryIsNotAFile) {
  testing::ScratchDir dir;
  dir.Write("conf/x", "");
  LoadOptions opts = In(dir);
  opts.file = "conf";
  const testing::LoadResult r = testing::LoadWith(opts);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "conf: is a directory, not a compose file");
}

// The error LoadWith reports for opts, as an unprivileged user: root reads
// any file, and CI runs as root, so there the load runs in a child that has
// dropped to the `nobody` uid and gid (no capabilities left).
std::string ErrorAsUnprivilegedUser(const LoadOptions& opts) {
  if (geteuid() != 0) {
    return testing::LoadWith(opts).error;
  }
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    return "pipe failed";
  }
  const passwd* nobody = getpwnam("nobody");
  const uid_t uid = nobody != nullptr ? nobody->pw_uid : 65534;
  const gid_t gid = nobody != nullptr ? nobody->pw_gid : 65534;
  std::string err;
  pid_t pid = ForkCall(
      [&] {
        if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
          return 1;
        }
        const std::string e = testing::LoadWith(opts).error;
        return write(p[1], e.data(), e.size()) == static_cast<ssize_t>(e.size()) ? 0 : 2;
      },
      &err);
  close(p[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; pid > 0 && (n = read(p[0], buf, sizeof(buf))) > 0;) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(p[0]);
  ExitStatus s = pid > 0 ? Wait(pid) : ExitStatus{};
  return s.Success() ? out : "the unprivileged child failed: " + err + s.Describe();
}

TEST(Discovery, UnreadableFile) {
  testing::ScratchDir dir;
  const std::string path = dir.Write("qemu-compose.yaml", kMinimal);
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  // Only the file is unreadable: the directory stays searchable for anyone.
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  EXPECT_EQ(ErrorAsUnprivilegedUser(In(dir)), "qemu-compose.yaml: cannot open: Permission denied");
}

TEST(Discovery, PathThroughAFileIsAnError) {
  testing::ScratchDir dir;
  dir.Write("qemu-compose.yaml", kMinimal);
  LoadOptions opts = In(dir);
  opts.file = "qemu-compose.yaml/inner.yaml";
  const testing::LoadResult r = testing::LoadWith(opts);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "qemu-compose.yaml/inner.yaml: cannot open: Not a directory");
}

TEST(Discovery, CommentOnlyFileIsEmpty) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(dir, "# nothing yet\n\n");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error,
            "qemu-compose.yaml:1:1: the file is empty: expected a mapping with at least 'vms'");
}

TEST(Discovery, BinaryGarbageIsAnErrorNotACrash) {
  testing::ScratchDir dir;
  std::string garbage = "vms: [\x01\xff\xfe{{{{\n  - ]]]\t\t: : :\n";
  garbage += std::string(3000, '[');
  const testing::LoadResult r = testing::LoadYaml(dir, garbage);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.error.starts_with("qemu-compose.yaml:")) << r.error;
}

// --- project name ---

std::string NameFor(const testing::ScratchDir& dir, const std::string& yaml,
                    const std::string& flag, const std::string& env_name,
                    std::string* error = nullptr) {
  dir.Write("My Project.v2/qemu-compose.yaml", yaml);
  LoadOptions opts;
  opts.cwd = (dir.path() / "My Project.v2").string();
  opts.project_name = flag;
  if (!env_name.empty()) {
    opts.env["QEMU_COMPOSE_PROJECT_NAME"] = env_name;
  }
  const testing::LoadResult r = testing::LoadWith(opts);
  if (error != nullptr) {
    *error = r.error;
  }
  return r.ok ? r.project.name : "<failed>";
}

TEST(ProjectName, Precedence) {
  testing::ScratchDir dir;
  const std::string named = std::string("name: from-file\n") + kMinimal;
  EXPECT_EQ(NameFor(dir, named, "from-flag", "from-env"), "from-file");
  EXPECT_EQ(NameFor(dir, kMinimal, "from-flag", "from-env"), "from-flag");
  EXPECT_EQ(NameFor(dir, kMinimal, "", "from-env"), "from-env");
  // The directory name, normalised like docker compose does.
  EXPECT_EQ(NameFor(dir, kMinimal, "", ""), "myprojectv2");
}

TEST(ProjectName, InvalidExplicitNamesAreErrors) {
  testing::ScratchDir dir;
  std::string error;
  EXPECT_EQ(NameFor(dir, kMinimal, "Bad Name", "", &error), "<failed>");
  EXPECT_EQ(error,
            "qemu-compose.yaml: invalid project name 'Bad Name' (from -p): must contain only "
            "lower-case letters, "
            "digits, '_' and '-', and start with a letter or digit");
  EXPECT_EQ(NameFor(dir, kMinimal, "", "_hidden", &error), "<failed>");
  EXPECT_EQ(error,
            "qemu-compose.yaml: invalid project name '_hidden' (from QEMU_COMPOSE_PROJECT_NAME): "
            "must contain only "
            "lower-case letters, digits, '_' and '-', and start with a letter or digit");
}

TEST(ProjectName, DirectoryWithNoUsableCharacters) {
  testing::ScratchDir dir;
  dir.Write("___/qemu-compose.yaml", kMinimal);
  LoadOptions opts;
  opts.cwd = (dir.path() / "___").string();
  const testing::LoadResult r = testing::LoadWith(opts);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error,
            "qemu-compose.yaml: cannot make a project name from directory name '___': set "
            "'name:' in the file or use -p");
}

}  // namespace
}  // namespace qc::compose
