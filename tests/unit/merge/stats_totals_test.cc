// SPDX-License-Identifier: Apache-2.0
#include "engine/merge/stats_totals.h"

#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "merge/merge_test_lines.h"
#include "nlohmann/json.hpp"

namespace cutpoint::merge {
namespace {

using testing::StatsLine;
using Json = nlohmann::json;

StatsTotals Parse(const std::string& line, bool* interrupted) {
  StatsTotals totals;
  absl::Status status = ParseStatsTotals(line, &totals, interrupted);
  EXPECT_TRUE(status.ok()) << status;
  return totals;
}

TEST(StatsTotalsTest, RoundTripsAStatsRecordsCountersAndOrder) {
  bool interrupted = true;
  const std::string line = StatsLine(64, 3, 1.5);
  StatsTotals totals = Parse(line, &interrupted);
  EXPECT_FALSE(interrupted);
  // The record as written, but duration_s in the stats record's own format.
  std::string expected = line;
  expected.replace(expected.find("\"duration_s\":1.5"), 16, "\"duration_s\":1.500000");
  EXPECT_EQ(FormatStatsTotals(totals, ""), expected);
}

TEST(StatsTotalsTest, AddSumsTimesCombineTakesTheLongest) {
  bool interrupted = false;
  StatsTotals part = Parse(StatsLine(10, 1, 2.0, true), &interrupted);
  EXPECT_TRUE(interrupted);
  StatsTotals shard_a;
  shard_a.Add(part);
  shard_a.Add(part);
  StatsTotals shard_b;
  shard_b.Add(Parse(StatsLine(5, 1, 3.0), &interrupted));
  StatsTotals all;
  all.Combine(shard_a);
  all.Combine(shard_b);
  EXPECT_EQ(all.counters[0], 25u);
  EXPECT_EQ(all.duration_s, 4.0);  // shard a: 2 + 2
  const Json merged = Json::parse(FormatStatsTotals(all, "lab"));
  EXPECT_EQ(merged["vantage"], "lab");
  EXPECT_EQ(merged["interrupted"], false);
  EXPECT_FALSE(merged.contains("probes_unsent"));
}

TEST(StatsTotalsTest, CountersSaturate) {
  StatsTotals big;
  big.counters[0] = std::numeric_limits<uint64_t>::max() - 1;
  StatsTotals total;
  total.Combine(big);
  total.Combine(big);
  EXPECT_EQ(total.counters[0], std::numeric_limits<uint64_t>::max());
}

TEST(StatsTotalsTest, RefusesMistypedFields) {
  StatsTotals totals;
  bool interrupted = false;
  for (const char* line : {
           R"({"type":"stats","probes_sent":"many","duration_s":1,"interrupted":false})",
           R"({"type":"stats","probes_sent":1.5,"duration_s":1,"interrupted":false})",
           R"({"type":"stats","duration_s":1,"interrupted":false})",
           R"({"type":"stats","probes_sent":1,"interrupted":false})",
           R"({"type":"stats","probes_sent":1,"duration_s":-1,"interrupted":false})",
           R"({"type":"stats","probes_sent":1,"duration_s":1,"interrupted":"no"})",
           R"({"type":"stats","probes_sent":1,"duration_s":1,"rejected_by_reason":{"stale":-2},"interrupted":false})",
           R"([1])",
       }) {
    EXPECT_FALSE(ParseStatsTotals(line, &totals, &interrupted).ok()) << line;
  }
}

}  // namespace
}  // namespace cutpoint::merge
