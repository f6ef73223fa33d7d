#include "cli/table.h"

#include <gtest/gtest.h>

namespace qc::cli {
namespace {

TEST(Table, ColumnsAlignOnTheWidestCell) {
  std::string t = RenderTable({"NAME", "STATUS"}, {{"web", "ready"}, {"database", "stopped"}});
  EXPECT_EQ(t,
            "NAME       STATUS\n"
            "web        ready\n"
            "database   stopped\n");
}

}  // namespace
}  // namespace qc::cli
