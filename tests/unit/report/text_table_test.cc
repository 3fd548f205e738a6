// SPDX-License-Identifier: Apache-2.0
#include "engine/report/text_table.h"

#include "gtest/gtest.h"

namespace cutpoint::report {
namespace {

TEST(TextTableTest, ColumnsFitTheWidestCellCountingCodePoints) {
  TextTable table({{"A"}, {"N", Align::kRight}, {"LAST"}});
  table.AddRow({"x–y", "7", "end"});
  table.AddRow({"longer", "123"});
  EXPECT_EQ(table.RenderText(),
            "A         N  LAST\n"
            "x–y       7  end\n"
            "longer  123\n");
}

TEST(TextTableTest, MarkdownEscapesPipesAndAlignsNumbersRight) {
  TextTable table({{"target"}, {"port", Align::kRight}});
  table.AddRow({"a|b\nc", "25"});
  EXPECT_EQ(table.RenderMarkdown(),
            "| target | port |\n"
            "|---|---:|\n"
            "| a\\|b c | 25 |\n");
}

TEST(TextTableTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth("–"), 1u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
}

}  // namespace
}  // namespace cutpoint::report
