// SPDX-License-Identifier: Apache-2.0
#include "engine/merge/shard_set.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "merge/merge_test_lines.h"
#include "nlohmann/json.hpp"

namespace cutpoint::merge {
namespace {

using ::testing::HasSubstr;
using testing::MetaLine;
using testing::ReadShard;
using testing::ShardText;
using testing::StatsLine;
using Json = nlohmann::json;

ShardSummary Shard(const std::string& name, const std::string& text) {
  absl::StatusOr<ShardSummary> summary = ReadShard(name, text);
  EXPECT_TRUE(summary.ok()) << summary.status();
  return summary.ok() ? *std::move(summary) : ShardSummary{};
}

std::vector<ShardSummary> FourShards() {
  std::vector<ShardSummary> files;
  for (int shard : {2, 0, 3, 1}) {  // given out of order
    files.push_back(Shard(absl::StrCat("s", shard, ".ndjson"), ShardText(shard, shard + 1)));
  }
  return files;
}

TEST(ShardSetTest, OrdersTheShardsAndMergesMetaAndStats) {
  const std::vector<ShardSummary> files = FourShards();
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_TRUE(shards.ok()) << shards.status();
  ASSERT_EQ(shards->size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ((*shards)[i]->shard, i);

  const Json meta = Json::parse(MergedMeta(*shards));
  EXPECT_EQ(meta["type"], "meta");
  EXPECT_EQ(meta["shards"], 4);
  EXPECT_EQ(meta["merged_shards"], 4);
  EXPECT_EQ(meta["seed"], 7);
  EXPECT_FALSE(meta.contains("shard"));
  EXPECT_EQ(meta["source"], "198.18.0.2");  // alike in every shard: kept
  EXPECT_EQ(meta["argv"], Json::parse(MetaLine(0))["argv"]);

  const Json stats = Json::parse(MergedStats(*shards));
  EXPECT_EQ(stats["type"], "stats");
  EXPECT_EQ(stats["probes_sent"], 4 * 64);
  EXPECT_EQ(stats["matched"], 1 + 2 + 3 + 4);
  EXPECT_EQ(stats["rejected_by_reason"]["bad_mac"], 4);
  EXPECT_EQ(stats["expected_forged_accepted"], 1.0);
  EXPECT_EQ(stats["forgery_acceptance_p"], 0.25);
  EXPECT_EQ(stats["duration_s"], 4.5);  // the longest shard: shard 3
  EXPECT_EQ(stats["interrupted"], false);
  EXPECT_FALSE(stats.contains("pcap_received"));  // no shard had it
}

TEST(ShardSetTest, MergedMetaDropsPerShardFieldsThatDiffer) {
  std::vector<ShardSummary> files = FourShards();
  files[1] = Shard("s0.ndjson", MetaLine(0, 4, 7, "198.18.9.9", "2026-12-01T09:00:00.000000Z") +
                                    "\n" + StatsLine(64, 0, 1) + "\n");
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_TRUE(shards.ok()) << shards.status();
  const Json meta = Json::parse(MergedMeta(*shards));
  EXPECT_FALSE(meta.contains("source"));
  EXPECT_EQ(meta["start_time"], "2026-12-01T09:00:00.000000Z");  // the earliest
}

TEST(ShardSetTest, NamesAMissingShard) {
  std::vector<ShardSummary> files = FourShards();
  files.erase(files.begin());  // shard 2
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_FALSE(shards.ok());
  EXPECT_EQ(shards.status().message(), "shard 2 of 4 missing");
}

TEST(ShardSetTest, NamesSeveralMissingShards) {
  std::vector<ShardSummary> files = FourShards();
  files.resize(2);  // shards 2 and 0
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_FALSE(shards.ok());
  EXPECT_EQ(shards.status().message(), "shards 1, 3 of 4 missing");
}

TEST(ShardSetTest, NamesBothFilesOfADuplicateShard) {
  std::vector<ShardSummary> files = FourShards();
  files.push_back(Shard("copy-of-s3.ndjson", ShardText(3, 1)));
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_FALSE(shards.ok());
  EXPECT_EQ(shards.status().message(), "shard 3 of 4 given twice: s3.ndjson and copy-of-s3.ndjson");
}

TEST(ShardSetTest, NamesTheFileAndFieldOfAForeignShard) {
  std::vector<ShardSummary> files = FourShards();
  files[2] = Shard("other.ndjson", ShardText(3, 1, 4, /*seed=*/8));
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_FALSE(shards.ok());
  EXPECT_EQ(shards.status().message(),
            "other.ndjson: shard 3 is not of the same scan as s2.ndjson: 'seed' is 8 here and "
            "7 there");
}

TEST(ShardSetTest, AShardOfAnotherShardCountIsForeign) {
  std::vector<ShardSummary> files = FourShards();
  files.push_back(Shard("eight.ndjson", ShardText(5, 1, 8)));
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_FALSE(shards.ok());
  EXPECT_THAT(shards.status().message(), HasSubstr("eight.ndjson: shard 5 is not of the same"));
  EXPECT_THAT(shards.status().message(), HasSubstr("'shards' is 8 here and 4 there"));
}

TEST(ShardSetTest, AnotherKeyIsForeign) {
  std::vector<ShardSummary> files = FourShards();
  std::string text = ShardText(1, 1);
  text.replace(text.find("e0edcce5673dcc7a"), 16, "0123456789abcdef");
  files[3] = Shard("s1.ndjson", text);
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_FALSE(shards.ok());
  EXPECT_THAT(shards.status().message(), HasSubstr("'key_fingerprint'"));
}

TEST(ShardSetTest, LocateShardsCountTheirOwnTargets) {
  std::vector<ShardSummary> files;
  for (int shard : {0, 1}) {
    std::string text = ShardText(shard, 1, 2);
    text.replace(text.find("\"command\":\"scan\""), 16, "\"command\":\"locate\"");
    text.replace(text.find("\"targets\":256"), 13, shard == 0 ? "\"targets\":130" : "\"targets\":126");
    files.push_back(Shard(absl::StrCat("l", shard, ".ndjson"), text));
  }
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_TRUE(shards.ok()) << shards.status();
  const Json meta = Json::parse(MergedMeta(*shards));
  EXPECT_EQ(meta["command"], "locate");
  EXPECT_FALSE(meta.contains("targets"));
}

TEST(ShardSetTest, ScanShardsOfAnotherTargetCountAreForeign) {
  std::vector<ShardSummary> files = FourShards();
  std::string text = ShardText(1, 1);
  text.replace(text.find("\"targets\":256"), 13, "\"targets\":255");
  files[3] = Shard("s1.ndjson", text);
  absl::StatusOr<std::vector<const ShardSummary*>> shards = OrderShards(files);
  ASSERT_FALSE(shards.ok());
  EXPECT_THAT(shards.status().message(), HasSubstr("'targets' is 255 here and 256 there"));
}

TEST(ShardSetTest, RefusesNoFiles) { EXPECT_FALSE(OrderShards({}).ok()); }

}  // namespace
}  // namespace cutpoint::merge
