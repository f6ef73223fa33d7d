// How doctor's report looks in a terminal and as JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "doctor_report.h"

namespace qc::tools {
namespace {

const std::vector<CheckResult> kResults = {
    {"qemu-img", Level::kOk, "/usr/bin/qemu-img", ""},
    {"/dev/kvm", Level::kWarn, "missing: TCG will be used (slow)", "modprobe kvm"},
    {"/dev/net/tun", Level::kFail, "mode 0600", "sudo chmod 0666 /dev/net/tun"},
};

TEST(DoctorReport, TextHasAMarkPerCheckAndFixesForProblems) {
  EXPECT_EQ(RenderText(kResults, false),
            "✓ qemu-img: /usr/bin/qemu-img\n"
            "⚠ /dev/kvm: missing: TCG will be used (slow)\n"
            "    fix: modprobe kvm\n"
            "✗ /dev/net/tun: mode 0600\n"
            "    fix: sudo chmod 0666 /dev/net/tun\n"
            "3 checks: 1 ok, 1 warnings, 1 failed\n");
}

TEST(DoctorReport, ColourOnlyWhenAsked) {
  EXPECT_EQ(RenderText(kResults, false).find('\033'), std::string::npos);
  std::string coloured = RenderText(kResults, true);
  EXPECT_NE(coloured.find("\033[31m✗\033[0m /dev/net/tun"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\033[32m✓\033[0m qemu-img"), std::string::npos);
}

TEST(DoctorReport, JsonArrayOfChecks) {
  EXPECT_EQ(RenderJson({kResults[0], kResults[2]}),
            "[\n"
            "  {\"check\": \"qemu-img\", \"ok\": true, \"level\": \"ok\", \"detail\": "
            "\"/usr/bin/qemu-img\", \"fix\": \"\"},\n"
            "  {\"check\": \"/dev/net/tun\", \"ok\": false, \"level\": \"fail\", \"detail\": "
            "\"mode 0600\", \"fix\": \"sudo chmod 0666 /dev/net/tun\"}\n"
            "]\n");
  EXPECT_EQ(RenderJson({}), "[]\n");
}

TEST(DoctorReport, JsonKeepsQuotesBackslashesControlsAndUtf8) {
  const std::string detail = "KERNEL==\"tun\" \\ ✓\n\x01";
  auto parsed = nlohmann::json::parse(RenderJson({{"udev", Level::kWarn, detail, "a\tb"}}));
  ASSERT_EQ(parsed.size(), 1U);
  EXPECT_EQ(parsed[0]["detail"], detail);
  EXPECT_EQ(parsed[0]["fix"], "a\tb");
  EXPECT_EQ(parsed[0]["ok"], true);
}

TEST(DoctorReport, JsonReplacesInvalidUtf8InsteadOfFailing) {
  auto parsed = nlohmann::json::parse(RenderJson({{"x", Level::kOk, "bad \xff byte", ""}}));
  EXPECT_EQ(parsed[0]["detail"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace qc::tools
