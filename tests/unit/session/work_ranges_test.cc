// SPDX-License-Identifier: Apache-2.0
#include "session/work_ranges.h"

#include <gtest/gtest.h>

#include <set>

namespace cutpoint::session {
namespace {

std::set<uint64_t> Expand(const std::vector<PositionRange>& ranges) {
  std::set<uint64_t> positions;
  for (const PositionRange& r : ranges) {
    for (uint64_t p = r.begin; p < r.end; ++p) EXPECT_TRUE(positions.insert(p).second);
  }
  return positions;
}

TEST(WorkRangesTest, SplitCoversEveryPositionOnceWithBalancedParts) {
  std::vector<PositionRange> work = {{0, 10}, {20, 23}, {40, 100}};
  for (int parts : {1, 2, 3, 5, 80}) {
    std::vector<std::vector<PositionRange>> pieces = SplitRanges(work, parts);
    ASSERT_EQ(pieces.size(), static_cast<size_t>(parts));
    std::set<uint64_t> all;
    for (const auto& piece : pieces) {
      uint64_t n = TotalPositions(piece);
      EXPECT_LE(n, TotalPositions(work) / parts + 1);
      for (uint64_t p : Expand(piece)) EXPECT_TRUE(all.insert(p).second) << "position twice";
    }
    EXPECT_EQ(all, Expand(work));
  }
}

TEST(WorkRangesTest, ResumeStateRoundTripsAndRejectsDamage) {
  ResumeState state{"seed=1 shards=2 shard=0 probes=100 targets=50", {{3, 9}, {12, 100}}};
  std::string text = FormatResumeState(state);
  absl::StatusOr<ResumeState> parsed = ParseResumeState(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->order_id, state.order_id);
  EXPECT_EQ(parsed->remaining, state.remaining);
  EXPECT_FALSE(ParseResumeState(text.substr(0, text.size() - 4)).ok());  // no "end"
  EXPECT_FALSE(ParseResumeState("something else\n").ok());
  EXPECT_FALSE(ParseResumeState("cutpoint-resume 1\norder x\nremaining 9 3\nend\n").ok());
  // A finished scan: nothing remains.
  absl::StatusOr<ResumeState> done = ParseResumeState("cutpoint-resume 1\norder x\nend\n");
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->remaining.empty());
}

TEST(WorkRangesTest, FileWriteIsReadBack) {
  std::string path = testing::TempDir() + "/cutpoint-resume-test";
  ResumeState state{"order-a", {{0, 5}}};
  ASSERT_TRUE(WriteResumeFile(path, state).ok());
  absl::StatusOr<ResumeState> read = ReadResumeFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->remaining, state.remaining);
  absl::StatusOr<ResumeState> missing = ReadResumeFile(path + ".missing");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->order_id.empty());
}

}  // namespace
}  // namespace cutpoint::session
