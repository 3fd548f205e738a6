// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/cuts.h"

#include <string>
#include <vector>

#include "engine/locate/summary.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::locate {
namespace {

using targets::FormatRange;
using targets::IpRange;
using testutil::Ip;

std::vector<std::string> Texts(const std::vector<IpRange>& blocks) {
  std::vector<std::string> texts;
  for (const IpRange& block : blocks) texts.push_back(FormatRange(block));
  return texts;
}

wire::IpAddress V6(uint64_t low) { return wire::IpAddress::V6(0x2001000200000000ULL, low); }

TEST(CidrBlocksTest, TilesARangeWithTheFewestPrefixes) {
  EXPECT_EQ(Texts(CidrBlocks({Ip(198, 19, 1, 9), Ip(198, 19, 1, 16)})),
            (std::vector<std::string>{"198.19.1.9/32", "198.19.1.10/31", "198.19.1.12/30",
                                      "198.19.1.16/32"}));
  EXPECT_EQ(Texts(CidrBlocks({Ip(198, 19, 0, 8), Ip(198, 19, 0, 15)})),
            (std::vector<std::string>{"198.19.0.8/29"}));
  EXPECT_EQ(Texts(CidrBlocks({Ip(198, 18, 0, 0), Ip(198, 19, 255, 255)})),
            (std::vector<std::string>{"198.18.0.0/15"}));
  EXPECT_EQ(Texts(CidrBlocks({Ip(0, 0, 0, 0), Ip(255, 255, 255, 255)})),
            (std::vector<std::string>{"0.0.0.0/0"}));  // IPv4 alignment is IPv4's own
  EXPECT_EQ(Texts(CidrBlocks({V6(0x101), V6(0x106)})),
            (std::vector<std::string>{"2001:2::101/128", "2001:2::102/127", "2001:2::104/127",
                                      "2001:2::106/128"}));
  EXPECT_EQ(Texts(CidrBlocks({V6(0), wire::IpAddress::V6(0x2001000200000000ULL, ~0ULL)})),
            (std::vector<std::string>{"2001:2::/64"}));
}

Verdict Dropped(const wire::IpAddress& target, int after_ttl = 5) {
  Verdict v;
  v.target = target;
  v.port = 25;
  v.verdict = VerdictKind::kSilentDrop;
  v.has_location = true;
  v.after_ttl = after_ttl;
  v.after_addr = Ip(198, 18, 4, 2);
  v.before_ttl = after_ttl + 1;
  v.before_addr = Ip(198, 18, 5, 2);
  v.scope = Scope::kHost;
  v.evidence = {{"test_silent_beyond", "x"}, {"other_hosts_pass", "y"}};
  return v;
}

Verdict Reached(const wire::IpAddress& target) {
  Verdict v;
  v.target = target;
  v.port = 25;
  v.verdict = VerdictKind::kReachable;
  return v;
}

TEST(FindCutsTest, ANullRoutedBlockIsOnePrefix) {
  std::vector<Verdict> verdicts;
  for (int i = 0; i < 32; ++i) {
    const wire::IpAddress target = Ip(198, 19, 0, static_cast<uint8_t>(i));
    verdicts.push_back(i >= 8 && i < 16 ? Dropped(target) : Reached(target));
  }
  const std::vector<Cut> cuts = FindCuts(&verdicts);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].targets, 8u);
  EXPECT_EQ(cuts[0].prefix_len, 29);
  EXPECT_EQ(cuts[0].verdict->cut_prefix, "198.19.0.8/29");
  for (int i = 8; i < 16; ++i) {
    EXPECT_EQ(verdicts[i].scope, Scope::kPrefix);
    EXPECT_EQ(verdicts[i].cut_prefix, "198.19.0.8/29");
  }
  EXPECT_TRUE(verdicts[7].cut_prefix.empty());
  const std::vector<std::string> summary = SummarizeVerdicts(verdicts);
  ASSERT_FALSE(summary.empty());
  EXPECT_EQ(summary[0],
            "8 of 32 targets: silent drop after hop 5 (198.18.4.2), before hop 6 (198.18.5.2) on "
            "TCP 25; every host of its prefix blocked alike, other hosts of the network reachable "
            "on this port -> filter keys on the destination prefix; cut: 198.19.0.8/29");
  EXPECT_EQ(FormatCutLines(cuts),
            "cut 198.19.0.8/29: 8 targets, silent drop after hop 5 (198.18.4.2), before hop 6 "
            "(198.18.5.2) on TCP 25; every host of its prefix blocked alike, other hosts of the "
            "network reachable on this port -> filter keys on the destination prefix\n");
}

TEST(FindCutsTest, DifferentFindingsGapsAndControlHostsSplitRuns) {
  std::vector<Verdict> verdicts = {Dropped(Ip(198, 19, 0, 1)), Dropped(Ip(198, 19, 0, 2)),
                                   Dropped(Ip(198, 19, 0, 3), 6),  // another hop
                                   Dropped(Ip(198, 19, 0, 5)),     // .4 is no target
                                   Dropped(Ip(198, 19, 0, 6))};
  verdicts.back().control_host = true;
  const std::vector<Cut> cuts = FindCuts(&verdicts);
  ASSERT_EQ(cuts.size(), 4u);  // .1/32 .2/32 (unaligned pair), .3/32, .5/32
  EXPECT_EQ(verdicts[0].cut_prefix, "198.19.0.1/32");
  EXPECT_EQ(verdicts[0].scope, Scope::kHost);  // a lone target keeps its scope
  EXPECT_EQ(verdicts[2].cut_prefix, "198.19.0.3/32");
  EXPECT_TRUE(verdicts[4].cut_prefix.empty());
}

// Died at the destination's own hop: each target names itself as "before", which is the
// same place for all of them.
TEST(FindCutsTest, BeforeTheDestinationIsOnePlaceForEveryTarget) {
  std::vector<Verdict> verdicts;
  for (uint64_t i = 0x104; i < 0x108; ++i) {
    Verdict v = Dropped(V6(i));
    v.before_addr = v.target;
    verdicts.push_back(v);
  }
  const std::vector<Cut> cuts = FindCuts(&verdicts);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].verdict->cut_prefix, "2001:2::104/126");
  EXPECT_EQ(cuts[0].prefix_len, 126);
}

}  // namespace
}  // namespace cutpoint::locate
