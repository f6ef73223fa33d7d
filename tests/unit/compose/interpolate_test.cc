// ${VAR} interpolation: docker compose semantics, both as a function and
// as a user sees it through a loaded file.
#include "compose/interpolate.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace qc::compose {
namespace {

const Environment kEnv = {{"SET", "value"}, {"EMPTY", ""}, {"N", "3"}};

std::string Expand(const std::string& in, std::vector<std::string>* unset = nullptr) {
  std::string out;
  std::string error;
  std::vector<std::string> ignored;
  EXPECT_TRUE(Interpolate(in, kEnv, &out, unset != nullptr ? unset : &ignored, &error)) << error;
  return out;
}

std::string Failure(const std::string& in) {
  std::string out;
  std::string error;
  std::vector<std::string> unset;
  EXPECT_FALSE(Interpolate(in, kEnv, &out, &unset, &error)) << "expanded to " << out;
  return error;
}

TEST(Interpolate, PlainTextIsUnchanged) {
  EXPECT_EQ(Expand("no variables here"), "no variables here");
}

TEST(Interpolate, BracedAndUnbracedVariables) {
  EXPECT_EQ(Expand("${SET}"), "value");
  EXPECT_EQ(Expand("$SET/disk"), "value/disk");
  EXPECT_EQ(Expand("a${SET}b${N}c"), "avalueb3c");
}

TEST(Interpolate, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(Expand("cost $$5"), "cost $5");
  EXPECT_EQ(Expand("$${SET}"), "${SET}");
}

TEST(Interpolate, UnsetVariableIsEmptyAndReported) {
  std::vector<std::string> unset;
  EXPECT_EQ(Expand("x${MISSING}y$ALSO_MISSING", &unset), "xy");
  EXPECT_EQ(unset, (std::vector<std::string>{"MISSING", "ALSO_MISSING"}));
}

TEST(Interpolate, ColonDashDefaultsWhenUnsetOrEmpty) {
  EXPECT_EQ(Expand("${MISSING:-def}"), "def");
  EXPECT_EQ(Expand("${EMPTY:-def}"), "def");
  EXPECT_EQ(Expand("${SET:-def}"), "value");
}

TEST(Interpolate, DashDefaultsOnlyWhenUnset) {
  EXPECT_EQ(Expand("${MISSING-def}"), "def");
  EXPECT_EQ(Expand("${EMPTY-def}"), "");
  EXPECT_EQ(Expand("${SET-def}"), "value");
}

TEST(Interpolate, DefaultMayBeEmptyOrContainVariables) {
  std::vector<std::string> unset;
  EXPECT_EQ(Expand("${MISSING:-}", &unset), "");
  EXPECT_TRUE(unset.empty());  // an explicit empty default is not a warning
  EXPECT_EQ(Expand("${MISSING:-${SET}/x}"), "value/x");
  EXPECT_EQ(Expand("${MISSING:-${OTHER:-deep}}"), "deep");
  EXPECT_EQ(Expand("${MISSING:-a:b/c}"), "a:b/c");
}

TEST(Interpolate, PlusReplacesOnlyWhenSet) {
  EXPECT_EQ(Expand("${SET:+on}"), "on");
  EXPECT_EQ(Expand("${EMPTY:+on}"), "");
  EXPECT_EQ(Expand("${EMPTY+on}"), "on");
  EXPECT_EQ(Expand("${MISSING+on}"), "");
}

TEST(Interpolate, RequiredVariables) {
  EXPECT_EQ(Expand("${SET:?need it}"), "value");
  EXPECT_EQ(Failure("${MISSING:?need it}"),
            "required variable MISSING is missing a value: need it");
  EXPECT_EQ(Failure("${EMPTY:?}"), "required variable EMPTY is missing a value");
  EXPECT_EQ(Expand("${EMPTY?}"), "");
  EXPECT_EQ(Failure("${MISSING?}"), "required variable MISSING is missing a value");
}

TEST(Interpolate, MalformedReferencesAreErrors) {
  EXPECT_EQ(Failure("${SET"), "invalid interpolation format in '${SET': missing '}'");
  EXPECT_EQ(Failure("${}"),
            "invalid interpolation format in '${}': '${}' does not start with a variable name");
  EXPECT_EQ(Failure("${1A}"),
            "invalid interpolation format in '${1A}': '${1A}' does not start with a variable name");
  EXPECT_EQ(Failure("${SET*x}"),
            "invalid interpolation format in '${SET*x}': unexpected '*x' after variable name SET "
            "(expected one of :- - :? ? :+ +)");
  EXPECT_EQ(Failure("price: 5$"),
            "invalid interpolation format in 'price: 5$': use '$$' for a literal '$'");
}

TEST(InterpolateInFiles, EveryScalarValueButNotKeys) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(dir, R"(
name: ${PROJECT:-fallback}
vms:
  ${NOT_A_VAR}:
    image: ${IMAGES}/disk.qcow2
)",
                                                  {{"IMAGES", "/srv/img"}});
  EXPECT_FALSE(r.ok);
  // The key is taken literally, so it is an invalid vm name, not "".
  EXPECT_NE(r.error.find(":4:3: invalid vm name '${NOT_A_VAR}'"), std::string::npos) << r.error;
}

TEST(InterpolateInFiles, ValuesTypesAndListsAreInterpolated) {
  testing::ScratchDir dir;
  const testing::LoadResult r =
      testing::LoadYaml(dir, R"(
name: ${PROJECT:-fallback}
vms:
  web:
    kernel: ${IMAGES}/vmlinuz
    cpu: ${CPUS:-2}
    memory: ${MEM}
    networks: ["${NET}"]
    cmdline: echo $$HOME
networks:
  lan:
    subnet: ${SUBNET:-auto}
)",
                        {{"IMAGES", "/srv/img"}, {"MEM", "1G"}, {"NET", "lan"}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.name, "fallback");
  const Vm& web = r.project.vms.at("web");
  EXPECT_EQ(web.kernel, "/srv/img/vmlinuz");
  EXPECT_EQ(web.cpus, 2U);
  EXPECT_EQ(web.memory_mb, 1024U);
  EXPECT_EQ(web.networks, std::vector<std::string>{"lan"});
  EXPECT_EQ(web.cmdline, "echo $HOME");
  EXPECT_EQ(r.project.networks.at("lan").subnet, "auto");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(InterpolateInFiles, UnsetVariableWarnsWithPosition) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(dir, R"(vms:
  web:
    kernel: vmlinuz
    cmdline: console=ttyS0 ${EXTRA_ARGS}
)");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.project.vms.at("web").cmdline, "console=ttyS0 ");
  EXPECT_EQ(r.warnings, std::vector<std::string>{
                            "qemu-compose.yaml:4:14: variable 'EXTRA_ARGS' is not set, using an "
                            "empty string"});
}

TEST(InterpolateInFiles, InterpolatedValueIsValidatedLikeALiteral) {
  testing::ScratchDir dir;
  const testing::LoadResult r = testing::LoadYaml(dir, R"(vms:
  web:
    image: disk.qcow2
    cpu: ${CPUS}
)",
                                                  {{"CPUS", "100"}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error,
            "qemu-compose.yaml:4:10: vm 'web': 'cpu' must be an integer from 1 to 64, got '100'");
}

}  // namespace
}  // namespace qc::compose
