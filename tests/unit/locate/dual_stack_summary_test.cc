// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/dual_stack_summary.h"

#include <string>
#include <vector>

#include "engine/locate/summary.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::locate {
namespace {

using testutil::Ip;

wire::IpAddress V6(uint64_t low) { return wire::IpAddress::V6(0x2001000200000000ULL, low); }

Verdict Judged(const wire::IpAddress& target, VerdictKind kind) {
  Verdict v;
  v.target = target;
  v.port = 25;
  v.verdict = kind;
  if (kind == VerdictKind::kSilentDrop) {
    v.has_location = true;
    v.after_ttl = 2;
    v.before_ttl = 3;
    v.scope = Scope::kHost;
  }
  if (kind == VerdictKind::kInconclusive) v.reason = "loss";
  return v;
}

// Host i: IPv4 198.19.1.i and IPv6 2001:2::i, paired, with the given verdicts.
std::vector<Verdict> Hosts(const std::vector<std::pair<VerdictKind, VerdictKind>>& kinds) {
  std::vector<Verdict> verdicts;
  std::vector<targets::DualStackPair> pairs;
  for (size_t i = 0; i < kinds.size(); ++i) {
    const wire::IpAddress v4 = Ip(198, 19, 1, static_cast<uint8_t>(i));
    verdicts.push_back(Judged(v4, kinds[i].first));
    verdicts.push_back(Judged(V6(i), kinds[i].second));
    pairs.push_back({v4, V6(i)});
  }
  MarkDualStackPeers(pairs, &verdicts);
  return verdicts;
}

constexpr auto kReach = VerdictKind::kReachable;
constexpr auto kDrop = VerdictKind::kSilentDrop;

TEST(DualStackSummaryTest, PeersAreMarkedBothWays) {
  std::vector<Verdict> verdicts = Hosts({{kReach, kReach}});
  verdicts.push_back(Judged(Ip(198, 19, 2, 1), kReach));  // unpaired
  MarkDualStackPeers({{Ip(198, 19, 1, 0), V6(0)}}, &verdicts);
  EXPECT_EQ(verdicts[0].dual_stack_peer, V6(0));
  EXPECT_EQ(verdicts[1].dual_stack_peer, Ip(198, 19, 1, 0));
  EXPECT_EQ(verdicts[2].dual_stack_peer, wire::IpAddress());
}

TEST(DualStackSummaryTest, HostFilteredOnOneFamilyIsNamed) {
  const std::vector<std::string> lines = CompareDualStackHosts(
      Hosts({{kReach, kReach}, {kDrop, kReach}, {kReach, kDrop}, {kDrop, kDrop}}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "dual-stack hosts on TCP 25: 1 filtered on IPv4 only, 1 on IPv6 only, 1 on both, 1 on "
            "neither, 0 undecided");
  EXPECT_EQ(lines[1].rfind("dual-stack host 198.19.1.1 / 2001:2::1: filtered on IPv4 only -- IPv4: "
                           "silent drop after hop 2, before hop 3 on TCP 25",
                           0),
            0u)
      << lines[1];
  EXPECT_NE(lines[1].find("; IPv6: reachable on TCP 25"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2].rfind("dual-stack host 198.19.1.2 / 2001:2::2: filtered on IPv6 only", 0), 0u)
      << lines[2];
}

// An undecided side is no evidence that the other family's filter is family-specific.
TEST(DualStackSummaryTest, UndecidedSideIsNeverCalledFamilySpecific) {
  const std::vector<std::string> lines = CompareDualStackHosts(
      Hosts({{kDrop, VerdictKind::kInconclusive}, {VerdictKind::kUnreachable, kReach}}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(
                "0 filtered on IPv4 only, 0 on IPv6 only, 0 on both, 0 on neither, 2 undecided"),
            std::string::npos)
      << lines[0];
}

TEST(DualStackSummaryTest, ManyHostsAreCountedNotListed) {
  std::vector<std::pair<VerdictKind, VerdictKind>> kinds(kMaxDualStackHostLines + 5,
                                                         {kDrop, kReach});
  const std::vector<std::string> lines = CompareDualStackHosts(Hosts(kinds));
  ASSERT_EQ(lines.size(), 1u + kMaxDualStackHostLines + 1u);
  EXPECT_EQ(lines.back().rfind("... and 5 more dual-stack hosts filtered on one family only", 0),
            0u)
      << lines.back();
}

TEST(DualStackSummaryTest, UnpairedRunsHaveNoDualStackLines) {
  std::vector<Verdict> verdicts = {Judged(Ip(198, 19, 1, 1), kDrop), Judged(V6(1), kReach)};
  EXPECT_TRUE(CompareDualStackHosts(verdicts).empty());
  // The per-family line still speaks for the run as a whole.
  const std::vector<std::string> summary = SummarizeVerdicts(verdicts);
  EXPECT_EQ(summary.back(),
            "families differ: 1 of 1 IPv4 targets filtered, no IPv6 target is -> the filter is "
            "specific to IPv4");
}

// "Specific to IPv4" needs IPv6 targets that were reached, not merely unaccused.
TEST(DualStackSummaryTest, FamiliesDifferNeedsTheOtherFamilyReached) {
  std::vector<Verdict> verdicts = {Judged(Ip(198, 19, 1, 1), kDrop),
                                   Judged(V6(1), VerdictKind::kInconclusive)};
  for (const std::string& line : SummarizeVerdicts(verdicts)) {
    EXPECT_EQ(line.find("families differ"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace cutpoint::locate
