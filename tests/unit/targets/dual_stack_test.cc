// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/dual_stack.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "engine/targets/target_loading.h"
#include "engine/targets/target_set.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::targets {
namespace {

using testutil::Ip;

wire::IpAddress V6(absl::string_view text) { return *wire::ParseIpAddress(text); }

TEST(DualStackPairTest, EitherOrderAndAnySeparator) {
  const DualStackPair want{Ip(198, 51, 100, 7), V6("2001:db8::7")};
  for (const char* entry : {"198.51.100.7 2001:db8::7", "2001:db8::7,198.51.100.7",
                            "198.51.100.7\t 2001:db8::7", " 2001:db8::7 , 198.51.100.7 "}) {
    absl::StatusOr<DualStackPair> pair = ParseDualStackPair(entry);
    ASSERT_TRUE(pair.ok()) << entry << ": " << pair.status();
    EXPECT_EQ(*pair, want) << entry;
  }
  EXPECT_TRUE(IsDualStackEntry("198.51.100.7 2001:db8::7"));
  EXPECT_FALSE(IsDualStackEntry("  2001:db8::/64  "));
}

TEST(DualStackPairTest, MalformedPairsSayWhatAPairIs) {
  struct Case {
    const char* entry;
    const char* says;
  };
  for (const Case& c : {Case{"198.51.100.7 198.51.100.8", "two addresses of one family"},
                        Case{"2001:db8::7 2001:db8::8", "two addresses of one family"},
                        Case{"198.51.100.7 2001:db8::7 2001:db8::8", "holds 3 words"},
                        Case{"198.51.100.0/24 2001:db8::7", "'198.51.100.0/24': "},
                        Case{"198.51.100.7 fe80::1%eth0", "'fe80::1%eth0': "},
                        Case{"198.51.100.7 bogus", "'bogus': not an IP address"}}) {
    absl::StatusOr<DualStackPair> pair = ParseDualStackPair(c.entry);
    ASSERT_FALSE(pair.ok()) << c.entry;
    EXPECT_NE(pair.status().message().find(c.says), absl::string_view::npos) << pair.status();
    EXPECT_NE(pair.status().message().find("one IPv4 and one IPv6 address"),
              absl::string_view::npos)
        << pair.status();
  }
}

TEST(DualStackPairTest, BuilderTargetsBothAddressesAndKeepsThePair) {
  TargetSetBuilder builder;
  ASSERT_TRUE(
      builder.AddText("# host, pair\n198.51.100.7 2001:db8::7\n198.51.100.9\n", "list").ok());
  absl::Status bad = builder.AddText("\n198.51.100.8 198.51.100.9\n", "list");
  EXPECT_NE(bad.message().find("list:2: "), absl::string_view::npos) << bad;
  ASSERT_TRUE(builder.AddSpec("2001:db8::8,198.51.100.8").ok());
  const std::vector<DualStackPair> pairs = builder.TakeDualStackPairs();
  const TargetSet set = std::move(builder).Build();
  EXPECT_EQ(set.size(), 5u);
  EXPECT_TRUE(set.Contains(V6("2001:db8::7")));
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[1], (DualStackPair{Ip(198, 51, 100, 8), V6("2001:db8::8")}));
}

TEST(DualStackPairTest, LoadingDropsPairsThatLostAnAddress) {
  TargetOptions options;
  options.specs = {"198.51.100.7 2001:db8::7", "198.51.100.8 2001:db8::8"};
  options.allow_reserved = {"198.51.100.0/24", "2001:db8::/32"};
  const std::string blocklist = ::testing::TempDir() + "/cutpoint_dual_stack_block";
  { std::ofstream(blocklist) << "2001:db8::8\n"; }
  options.blocklist_files = {blocklist};
  TargetingReport report;
  absl::StatusOr<TargetSet> set = LoadTargets(options, &report);
  std::remove(blocklist.c_str());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->size(), 3u);
  ASSERT_EQ(report.dual_stack_pairs.size(), 1u);
  EXPECT_EQ(report.dual_stack_pairs[0].v6, V6("2001:db8::7"));
}

}  // namespace
}  // namespace cutpoint::targets
