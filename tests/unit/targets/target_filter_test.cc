// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/target_filter.h"

#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

#include "engine/targets/reserved_ranges.h"
#include "gtest/gtest.h"
#include "v4_ranges.h"
#include "test_util.h"

namespace cutpoint::targets {
namespace {

using testutil::Ip;

bool Has(const absl::Status& status, absl::string_view text) {
  return status.message().find(text) != absl::string_view::npos;
}

TargetSet Everything() { return testutil::V4Set({{0, 0xffffffffu}}); }

class PrefixListTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& contents) {
    // One file per test and process: ctest -j runs the cases of this suite side by side.
    path_ = ::testing::TempDir() + "/cutpoint_blocklist_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
            std::to_string(getpid()) + ".conf";
    std::ofstream(path_) << contents;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(PrefixListTest, ReadsZmapFormat) {
  // zmap's conf/blocklist.conf layout: header comments, aligned trailing comments, blank
  // lines, tabs, CRLF; here with overlapping and nested lines too.
  std::string path = Write(
      "# From IANA IPv4 Special-Purpose Address Registry\n"
      "\n"
      "10.0.0.0/8          # RFC1918: Private-Use\n"
      "10.20.0.0/16        # nested in the line above\n"
      "192.0.2.0/24\t# tab before the comment\r\n"
      "192.0.2.128/25      # overlaps\n"
      "   203.0.113.9\n"
      "255.255.255.255/32  # RFC0919: Limited Broadcast\n"
      "#224.0.0.0/4 commented out\n");
  absl::StatusOr<TargetSet> list = ReadPrefixList(path, "blocklist");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->size(), (uint64_t{1} << 24) + 256 + 1 + 1);
  EXPECT_EQ(list->ranges().size(), 4u);
  EXPECT_TRUE(list->Contains(Ip(10, 20, 1, 1)));
  EXPECT_TRUE(list->Contains(testutil::V4(0xffffffffu)));
  EXPECT_FALSE(list->Contains(Ip(224, 0, 0, 1)));
}

TEST_F(PrefixListTest, CommentOnlyFileIsAnEmptyList) {
  absl::StatusOr<TargetSet> list = ReadPrefixList(Write("# nobody opted out yet\n\n"), "blocklist");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_TRUE(list->empty());
}

TEST_F(PrefixListTest, BadLinesNameFileAndLine) {
  struct Case { const char* contents; const char* where; const char* what; };
  for (const Case& c : {
           Case{"10.0.0.0/8\n\n# ok\nexample.com\n", ":4: ", "bad target address 'example.com'"},
           Case{"10.0.0.0/8\n10.0.0.0/33 # typo\n", ":2: ", "bad prefix length"},
           Case{"1.2.3.4 5.6.7.8\n", ":1: ", "bad target address '1.2.3.4 5.6.7.8'"},
           Case{"10.0.0.0/8\n2001:db8::1%eth0\n", ":2: ", "zone"},
           Case{"\n\n\n10.0.0/8\n", ":4: ", "bad target"},
       }) {
    std::string path = Write(c.contents);
    absl::StatusOr<TargetSet> list = ReadPrefixList(path, "blocklist");
    ASSERT_FALSE(list.ok()) << c.contents;
    EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Has(list.status(), "blocklist " + path + c.where)) << list.status();
    EXPECT_TRUE(Has(list.status(), c.what)) << list.status();
  }
}

TEST_F(PrefixListTest, MissingFile) {
  std::string path = ::testing::TempDir() + "/cutpoint_no_such_blocklist.conf";
  absl::StatusOr<TargetSet> list = ReadPrefixList(path, "blocklist");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().message(),
            "cannot read blocklist '" + path + "': No such file or directory");
}

TEST(FilterTargetsTest, SkipReservedFromTheWholeSpaceCountsWithoutMaterialising) {
  TargetFilter filter;
  filter.skip_reserved = true;
  absl::StatusOr<FilteredTargets> out = FilterTargets(Everything(), filter);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->reserved_skipped, ReservedSet().CountV4());
  EXPECT_EQ(out->targets.size(), (uint64_t{1} << 32) - ReservedSet().CountV4());
  EXPECT_LT(out->targets.ranges().size(), 20u);  // ranges, not addresses
  EXPECT_EQ(out->blocklisted, 0u);
  for (const ReservedRange& r : ReservedRanges()) {
    EXPECT_FALSE(out->targets.Contains(r.range.first)) << FormatRange(r.range);
    EXPECT_FALSE(out->targets.Contains(r.range.last)) << FormatRange(r.range);
  }
  EXPECT_TRUE(out->targets.Contains(Ip(1, 1, 1, 1)));
}

TEST(FilterTargetsTest, WithoutSkipTheRunIsRefusedNamingEveryRange) {
  absl::StatusOr<FilteredTargets> out = FilterTargets(Everything(), TargetFilter());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Has(out.status(), "192.175.48.0/24")) << out.status();
  EXPECT_TRUE(Has(out.status(), "0.0.0.0/8")) << out.status();
}

TEST(FilterTargetsTest, BlocklistThenReservedCountsEachOnce) {
  TargetFilter filter;
  filter.skip_reserved = true;
  // Overlaps a reserved range (10.0.0.0/8) and public space.
  filter.blocklist = testutil::V4Set({{Ip(9, 255, 255, 0), Ip(10, 0, 0, 255)}});
  absl::StatusOr<FilteredTargets> out =
      FilterTargets(testutil::V4Set({{Ip(9, 0, 0, 0), Ip(10, 255, 255, 255)}}), filter);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->blocklisted, 512u);
  EXPECT_EQ(out->reserved_skipped, (uint64_t{1} << 24) - 256);
  EXPECT_EQ(out->targets.size(), (uint64_t{1} << 24) - 256);
}

TEST(FilterTargetsTest, AllowedReservedSurvivesSkipButNeverRangesDoNot) {
  TargetFilter filter;
  filter.skip_reserved = true;
  absl::StatusOr<TargetSet> allowed = ParseAllowedReserved(std::vector<std::string>{"198.18.0.0/15"});
  ASSERT_TRUE(allowed.ok());
  filter.allowed_reserved = *allowed;
  absl::StatusOr<FilteredTargets> out = FilterTargets(
      testutil::V4Set({{Ip(198, 18, 0, 0), Ip(198, 18, 0, 255)},
                             {Ip(10, 0, 0, 0), Ip(10, 0, 0, 255)},
                             {Ip(224, 0, 0, 0), Ip(224, 0, 0, 255)}}),
      filter);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->targets.size(), 256u);
  EXPECT_TRUE(out->targets.Contains(Ip(198, 18, 0, 1)));
  EXPECT_EQ(out->reserved_skipped, 512u);
}

TEST(FilterTargetsTest, BlocklistBeatsAllowReserved) {
  TargetFilter filter;
  filter.allowed_reserved = testutil::V4Set({{Ip(198, 18, 0, 0), Ip(198, 19, 255, 255)}});
  filter.blocklist = testutil::V4Set({{Ip(198, 18, 0, 7), Ip(198, 18, 0, 7)}});
  absl::StatusOr<FilteredTargets> out =
      FilterTargets(testutil::V4Set({{Ip(198, 18, 0, 0), Ip(198, 18, 0, 15)}}), filter);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->targets.size(), 15u);
  EXPECT_FALSE(out->targets.Contains(Ip(198, 18, 0, 7)));
  EXPECT_EQ(out->blocklisted, 1u);
}

TEST(FilterTargetsTest, AllowlistIntersects) {
  TargetFilter filter;
  filter.allowlist = testutil::V4Set({{Ip(1, 0, 0, 0), Ip(1, 0, 0, 9)}});
  absl::StatusOr<FilteredTargets> out =
      FilterTargets(testutil::V4Set({{Ip(1, 0, 0, 5), Ip(1, 0, 0, 50)}}), filter);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->targets.size(), 5u);
}

TEST(FilterTargetsTest, NothingLeftIsAnError) {
  TargetFilter filter;
  filter.blocklist = Everything();
  absl::StatusOr<FilteredTargets> blocked =
      FilterTargets(testutil::V4Set({{Ip(1, 1, 1, 1), Ip(1, 1, 1, 1)}}), filter);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(blocked.status().message(), "no targets left after the allow- and blocklists");
  TargetFilter skip;
  skip.skip_reserved = true;
  absl::StatusOr<FilteredTargets> reserved =
      FilterTargets(testutil::V4Set({{Ip(10, 0, 0, 0), Ip(10, 0, 0, 3)}}), skip);
  ASSERT_FALSE(reserved.ok());
  EXPECT_TRUE(Has(reserved.status(), "--skip-reserved (4 reserved addresses left out)"))
      << reserved.status();
}

}  // namespace
}  // namespace cutpoint::targets
