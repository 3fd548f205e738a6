// SPDX-License-Identifier: Apache-2.0
// Verdicts of several vantages compared: blocked from one and open from another is a
// difference in either direction; inconclusive, unreachable or missing on one side never
// is (no false accusation); a target judged twice from one vantage must agree.
#include "engine/locate/vantage_compare.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::locate {
namespace {

using testutil::Ip;

VantageVerdict Judged(const std::string& vantage, wire::IpAddress target, VerdictKind kind,
                      uint16_t port = 25) {
  VantageVerdict verdict;
  verdict.vantage = vantage;
  verdict.target = target;
  verdict.port = port;
  verdict.verdict = kind;
  verdict.source = vantage + ".ndjson:2";
  return verdict;
}

VantageVerdict DroppedAfterHop2(const std::string& vantage, wire::IpAddress target) {
  VantageVerdict verdict = Judged(vantage, target, VerdictKind::kSilentDrop);
  verdict.after_ttl = 2;
  verdict.after_addr = Ip(198, 18, 1, 2);
  return verdict;
}

TEST(VantageViewTest, OnlyBlockingAndReachedVerdictsTakeASide) {
  EXPECT_EQ(ViewOf(std::nullopt), VantageView::kUndecided);
  for (VerdictKind kind : {VerdictKind::kSilentDrop, VerdictKind::kPartialDrop,
                           VerdictKind::kRstInjection, VerdictKind::kIcmpProhibited}) {
    EXPECT_EQ(ViewOf(Judged("A", Ip(198, 19, 1, 1), kind)), VantageView::kBlocked);
  }
  EXPECT_EQ(ViewOf(Judged("A", Ip(198, 19, 1, 1), VerdictKind::kReachable)), VantageView::kOpen);
  EXPECT_EQ(ViewOf(Judged("A", Ip(198, 19, 1, 1), VerdictKind::kClosed)), VantageView::kOpen);
  EXPECT_EQ(ViewOf(Judged("A", Ip(198, 19, 1, 1), VerdictKind::kUnreachable)),
            VantageView::kUnreachable);
  EXPECT_EQ(ViewOf(Judged("A", Ip(198, 19, 1, 1), VerdictKind::kInconclusive)),
            VantageView::kUndecided);
}

TEST(CompareVantagesTest, BlockedAndOpenInBothDirections) {
  const wire::IpAddress a_blocked = Ip(198, 19, 1, 101);
  const wire::IpAddress b_blocked = Ip(198, 19, 1, 102);
  const wire::IpAddress both_open = Ip(198, 19, 1, 100);
  absl::StatusOr<VantageComparison> comparison = CompareVantages({
      DroppedAfterHop2("A", a_blocked),
      Judged("A", b_blocked, VerdictKind::kClosed),
      Judged("A", both_open, VerdictKind::kReachable),
      Judged("B", a_blocked, VerdictKind::kReachable),
      Judged("B", b_blocked, VerdictKind::kIcmpProhibited),
      Judged("B", both_open, VerdictKind::kReachable),
  });
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  EXPECT_EQ(comparison->vantages, (std::vector<std::string>{"A", "B"}));
  ASSERT_EQ(comparison->targets.size(), 3u);
  EXPECT_EQ(comparison->targets[0].target, both_open);  // by address
  EXPECT_EQ(comparison->targets[0].agreement, Agreement::kAgree);
  EXPECT_EQ(comparison->targets[1].agreement, Agreement::kDiffers);
  EXPECT_EQ(comparison->targets[2].agreement, Agreement::kDiffers);
  ASSERT_EQ(comparison->ports.size(), 1u);
  const PortComparison& port = comparison->ports[0];
  EXPECT_EQ(port.targets, 3);
  EXPECT_EQ(port.differ, 2);
  EXPECT_EQ(port.agree, 1);
  EXPECT_EQ(port.undecided, 0);
  EXPECT_EQ(port.blocked_open[0][1], 1);
  EXPECT_EQ(port.blocked_open[1][0], 1);
  EXPECT_EQ(FormatVantageReport(*comparison),
            (std::vector<std::string>{
                "vantages A, B: 1 targets on TCP 25 blocked from A and open from B, 1 blocked from "
                "B and open from A, 1 agree, 0 undecided",
                "198.19.1.101 TCP 25: blocked from vantage A (silent drop after hop 2, "
                "198.18.1.2), open from vantage B (reachable)",
                "198.19.1.102 TCP 25: blocked from vantage B (icmp prohibited), open from vantage "
                "A (closed)"}));
}

TEST(CompareVantagesTest, InconclusiveUnreachableOrMissingIsUndecidedNeverADifference) {
  absl::StatusOr<VantageComparison> comparison = CompareVantages({
      DroppedAfterHop2("A", Ip(198, 19, 1, 1)),
      Judged("B", Ip(198, 19, 1, 1), VerdictKind::kInconclusive),
      DroppedAfterHop2("A", Ip(198, 19, 1, 2)),
      Judged("B", Ip(198, 19, 1, 2), VerdictKind::kUnreachable),
      DroppedAfterHop2("A", Ip(198, 19, 1, 3)),  // B has no verdict for .3
      Judged("B", Ip(198, 19, 1, 4), VerdictKind::kReachable),
      Judged("A", Ip(198, 19, 1, 5), VerdictKind::kUnreachable),
      Judged("B", Ip(198, 19, 1, 5), VerdictKind::kUnreachable),
      DroppedAfterHop2("A", Ip(198, 19, 1, 6)),
      Judged("B", Ip(198, 19, 1, 6), VerdictKind::kRstInjection),
  });
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  const PortComparison& port = comparison->ports[0];
  EXPECT_EQ(port.targets, 6);
  EXPECT_EQ(port.differ, 0);
  EXPECT_EQ(port.undecided, 4);
  EXPECT_EQ(port.agree, 2);  // unreachable from both, blocked from both
  EXPECT_EQ(FormatVantageReport(*comparison).size(), 1u);
}

TEST(CompareVantagesTest, DualStackTargetsAndPortsAreSeparateGroups) {
  const wire::IpAddress v6 = wire::IpAddress::V6(0x2001000200000001ULL, 0x65);
  absl::StatusOr<VantageComparison> comparison = CompareVantages({
      DroppedAfterHop2("A", Ip(198, 19, 1, 101)),
      Judged("A", v6, VerdictKind::kSilentDrop),
      Judged("A", v6, VerdictKind::kReachable, 587),
      Judged("B", Ip(198, 19, 1, 101), VerdictKind::kReachable),
      Judged("B", v6, VerdictKind::kReachable),
      Judged("B", v6, VerdictKind::kReachable, 587),
  });
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  ASSERT_EQ(comparison->ports.size(), 2u);
  EXPECT_EQ(comparison->ports[0].port, 25);
  EXPECT_EQ(comparison->ports[0].differ, 2);
  EXPECT_EQ(comparison->ports[1].port, 587);
  EXPECT_EQ(comparison->ports[1].agree, 1);
  std::vector<std::string> lines = FormatVantageReport(*comparison);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2],
            "2001:2:0:1::65 TCP 25: blocked from vantage A (silent drop), open from vantage B "
            "(reachable)");
  EXPECT_EQ(lines[3].rfind("vantages A, B: 0 targets on TCP 587", 0), 0u);
}

TEST(CompareVantagesTest, ListsTheFirstDifferencesAndCountsTheRest) {
  std::vector<VantageVerdict> verdicts;
  for (uint8_t host = 1; host <= 5; ++host) {
    verdicts.push_back(DroppedAfterHop2("A", Ip(198, 19, 1, host)));
    verdicts.push_back(Judged("B", Ip(198, 19, 1, host), VerdictKind::kReachable));
  }
  absl::StatusOr<VantageComparison> comparison = CompareVantages(verdicts);
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  std::vector<std::string> lines = FormatVantageReport(*comparison, 2);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3], "... and 3 more differing targets ('cutpoint report --json' lists them all)");
}

TEST(CompareVantagesTest, ThreeVantagesCountEveryPair) {
  absl::StatusOr<VantageComparison> comparison = CompareVantages({
      DroppedAfterHop2("A", Ip(198, 19, 1, 1)),
      Judged("B", Ip(198, 19, 1, 1), VerdictKind::kReachable),
      Judged("C", Ip(198, 19, 1, 1), VerdictKind::kInconclusive),
  });
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  std::vector<std::string> lines = FormatVantageReport(*comparison);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "vantages A, B, C: 1 targets on TCP 25 blocked from A and open from B, 0 blocked from "
            "B and open from A, 0 blocked from A and open from C, 0 blocked from C and open from "
            "A, 0 blocked from B and open from C, 0 blocked from C and open from B, 1 differ, 0 "
            "agree, 0 undecided");
  EXPECT_EQ(lines[1],
            "198.19.1.1 TCP 25: blocked from vantage A (silent drop after hop 2, 198.18.1.2), open "
            "from vantage B (reachable), undecided from vantage C (inconclusive)");
}

TEST(CompareVantagesTest, JudgedTwiceFromOneVantageMustAgree) {
  VantageVerdict first = DroppedAfterHop2("A", Ip(198, 19, 1, 1));
  VantageVerdict same = first;
  same.source = "again.ndjson:7";
  VantageVerdict other = Judged("A", Ip(198, 19, 1, 1), VerdictKind::kReachable);
  other.source = "again.ndjson:9";
  VantageVerdict b = Judged("B", Ip(198, 19, 1, 1), VerdictKind::kReachable);
  absl::StatusOr<VantageComparison> repeated = CompareVantages({first, same, b});
  ASSERT_TRUE(repeated.ok()) << repeated.status();
  EXPECT_EQ(repeated->ports[0].differ, 1);
  absl::StatusOr<VantageComparison> conflict = CompareVantages({first, other, b});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().message(),
            "198.19.1.1 TCP 25 is judged twice from vantage A: silent_drop (A.ndjson:2) and "
            "reachable (again.ndjson:9); give each vantage's run its own --vantage name");
}

TEST(CompareVantagesTest, NeedsTwoVantages) {
  absl::StatusOr<VantageComparison> one =
      CompareVantages({Judged("A", Ip(198, 19, 1, 1), VerdictKind::kReachable)});
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.status().message().find("all from vantage A"), absl::string_view::npos);
  EXPECT_FALSE(CompareVantages({}).ok());
}

}  // namespace
}  // namespace cutpoint::locate
