// SPDX-License-Identifier: Apache-2.0
#include "engine/merge/shard_reader.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "merge/merge_test_lines.h"

namespace cutpoint::merge {
namespace {

using ::testing::HasSubstr;
using ::testing::ElementsAre;
using testing::MetaLine;
using testing::ReadShard;
using testing::ReplyLine;
using testing::ShardText;
using testing::StatsLine;

TEST(ShardReaderTest, SummarizesAFinishedShard) {
  absl::StatusOr<ShardSummary> summary = ReadShard("s1.ndjson", ShardText(1, 3));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->shard, 1u);
  EXPECT_EQ(summary->shards, 4u);
  EXPECT_EQ(summary->line_count, 5u);
  EXPECT_THAT(summary->own_lines, ElementsAre(1, 5));
  EXPECT_EQ(summary->records_by_type.at("reply"), 3u);
  EXPECT_EQ(summary->totals.counters[0], 64u);  // probes_sent
  EXPECT_EQ(summary->totals.duration_s, 2.5);
  EXPECT_EQ(summary->start_time, "2026-12-01T10:00:00.000000Z");
}

TEST(ShardReaderTest, AResumedPartAfterAnInterruptedOneFinishesTheShard) {
  const std::string text = MetaLine(2) + "\n" + ReplyLine("198.18.2.1") + "\n" +
                           StatsLine(40, 1, 1.0, /*interrupted=*/true) + "\n" + MetaLine(2) +
                           "\n" + ReplyLine("198.18.2.2") + "\n" + StatsLine(24, 1, 0.5) + "\n";
  absl::StatusOr<ShardSummary> summary = ReadShard("s2.ndjson", text);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(summary->own_lines, ElementsAre(1, 3, 4, 6));
  EXPECT_EQ(summary->records_by_type.at("reply"), 2u);
  EXPECT_EQ(summary->totals.counters[0], 64u);  // 40 + 24
  EXPECT_EQ(summary->totals.duration_s, 1.5);
}

TEST(ShardReaderTest, AKilledPartWithoutStatsBeforeAFinishedOneIsFine) {
  const std::string text = MetaLine(0) + "\n" + ReplyLine("198.18.0.1") + "\n" + MetaLine(0) +
                           "\n" + StatsLine(64, 0, 1.0) + "\n";
  EXPECT_TRUE(ReadShard("s0.ndjson", text).ok());
}

TEST(ShardReaderTest, RefusesAnInterruptedLastPart) {
  const std::string text = MetaLine(2) + "\n" + StatsLine(40, 0, 1.0, true) + "\n";
  absl::StatusOr<ShardSummary> summary = ReadShard("s2.ndjson", text);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(),
              HasSubstr("s2.ndjson: shard 2 of 4 is not finished: its last run was interrupted"));
}

TEST(ShardReaderTest, RefusesAFileWithoutStats) {
  const std::string text = MetaLine(3) + "\n" + ReplyLine("198.18.3.1") + "\n";
  absl::StatusOr<ShardSummary> summary = ReadShard("s3.ndjson", text);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(),
              HasSubstr("s3.ndjson: shard 3 of 4 is not finished: its last run has no stats"));
}

TEST(ShardReaderTest, RefusesALastLineWithoutNewline) {
  std::string text = ShardText(0, 2);
  text.resize(text.size() - 10);
  absl::StatusOr<ShardSummary> summary = ReadShard("s0.ndjson", text);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("s0.ndjson:4: the last line has no newline"));
}

TEST(ShardReaderTest, NamesTheMalformedLine) {
  const std::string text = MetaLine(0) + "\n{\"type\":\"reply\",\n" + StatsLine(1, 0, 1) + "\n";
  absl::StatusOr<ShardSummary> summary = ReadShard("s0.ndjson", text);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("s0.ndjson:2: not a JSON line"));
}

TEST(ShardReaderTest, RefusesRecordsThatAreNotCutpointRecords) {
  for (const char* line : {"[1,2]", "{\"type\":3}", "{}", "", "null"}) {
    const std::string text = MetaLine(0) + "\n" + line + "\n" + StatsLine(1, 0, 1) + "\n";
    absl::StatusOr<ShardSummary> summary = ReadShard("s0.ndjson", text);
    ASSERT_FALSE(summary.ok()) << line;
    EXPECT_THAT(summary.status().message(), HasSubstr("s0.ndjson:2: ")) << line;
  }
}

TEST(ShardReaderTest, RefusesAnUnshardedRun) {
  std::string meta = MetaLine(0);
  meta.replace(meta.find(",\"shard\":0"), 10, "");
  absl::StatusOr<ShardSummary> summary =
      ReadShard("run.ndjson", meta + "\n" + StatsLine(1, 0, 1) + "\n");
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(),
              HasSubstr("run.ndjson:1: the meta record has no 'shard': not a sharded run"));
}

TEST(ShardReaderTest, RefusesAFileNotStartingWithMeta) {
  absl::StatusOr<ShardSummary> summary =
      ReadShard("x.ndjson", ReplyLine("198.18.0.1") + "\n" + StatsLine(1, 0, 1) + "\n");
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("x.ndjson:1: the file does not start"));
}

TEST(ShardReaderTest, RefusesAResumedPartOfAnotherScan) {
  const std::string text = MetaLine(1) + "\n" + StatsLine(1, 0, 1, true) + "\n" +
                           MetaLine(1, 4, 8) + "\n" + StatsLine(1, 0, 1) + "\n";
  absl::StatusOr<ShardSummary> summary = ReadShard("s1.ndjson", text);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("s1.ndjson:3: a resumed run differs"));
  EXPECT_THAT(summary.status().message(), HasSubstr("'seed'"));
}

TEST(ShardReaderTest, RefusesRecordsAfterTheStats) {
  const std::string text = ShardText(0, 0) + ReplyLine("198.18.0.1") + "\n";
  absl::StatusOr<ShardSummary> summary = ReadShard("s0.ndjson", text);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("s0.ndjson:3: a 'reply' record after"));
}

TEST(ShardReaderTest, RefusesMistypedStats) {
  std::string stats = StatsLine(1, 0, 1);
  stats.replace(stats.find("\"probes_sent\":1"), 15, "\"probes_sent\":-1");
  absl::StatusOr<ShardSummary> summary =
      ReadShard("s0.ndjson", MetaLine(0) + "\n" + stats + "\n");
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("s0.ndjson:2: stats record: 'probes_sent'"));
}

TEST(ShardReaderTest, RefusesAnEmptyFile) {
  absl::StatusOr<ShardSummary> summary = ReadShard("e.ndjson", "");
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("e.ndjson: empty file"));
}

}  // namespace
}  // namespace cutpoint::merge
