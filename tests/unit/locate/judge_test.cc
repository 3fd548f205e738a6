// Verdicts from synthetic observations: a 4-router path (hops 198.18.k.2 at TTL k+1...),
// targets at distance 5 in 198.19.1.0/24, test port 25, controls 443 and ICMP echo.
#include "engine/locate/judge.h"

#include <gtest/gtest.h>

#include "engine/locate/summary.h"

namespace cutpoint::locate {
namespace {

using match::ReplyKind;
using probe::ProbeType;

constexpr uint32_t kPrefix = 0xc6130100;  // 198.19.1.0
constexpr int kDistance = 5;
constexpr int kTtlMax = 7;

uint32_t Hop(int ttl) { return 0xc6120002 + (static_cast<uint32_t>(ttl - 1) << 8); }  // 198.18.(ttl-1).2

class JudgeTest : public testing::Test {
 protected:
  void SetUp() override {
    targets::TargetSetBuilder builder;
    ASSERT_TRUE(builder.AddSpec("198.19.1.0/28").ok());
    targets_ = std::move(builder).Build();
    LocateLayout layout;
    layout.ttl_min = 1;
    layout.ttl_max = kTtlMax;
    layout.kinds = {{ProbeType::kTcpSyn, 25}, {ProbeType::kTcpSyn, 443}, {ProbeType::kIcmpEcho, 0}};
    absl::StatusOr<ObservationTable> table = ObservationTable::Create(&targets_, layout);
    ASSERT_TRUE(table.ok());
    table_ = std::make_unique<ObservationTable>(*std::move(table));
  }

  void Add(uint32_t target, ProbeType type, uint16_t port, int ttl, ReplyKind kind,
           uint32_t from, uint8_t reply_ttl = 60, uint16_t ipid = 0, int attempt = 0,
           uint8_t code = 0) {
    match::ReplyRecord r;
    r.target = target;
    r.probe_type = type;
    r.port = port;
    r.probe_ttl = static_cast<uint8_t>(ttl);
    r.attempt = static_cast<uint8_t>(attempt);
    r.kind = kind;
    r.from = from;
    r.reply_ttl = reply_ttl;
    r.reply_ipid = ipid;
    r.icmp_code = code;
    r.rtt_us = 100 * ttl;
    ASSERT_TRUE(table_->Add(r));
  }

  // What an unfiltered path answers to every probe of `target`; `test_until` limits the
  // test probe's time-exceeded answers (0: test unfiltered too).
  void Path(uint32_t target, int test_until = 0, std::initializer_list<int> silent_hops = {}) {
    for (int ttl = 1; ttl <= kTtlMax; ++ttl) {
      bool silent = std::find(silent_hops.begin(), silent_hops.end(), ttl) != silent_hops.end();
      for (auto [type, port] : {std::pair{ProbeType::kTcpSyn, uint16_t{25}},
                                std::pair{ProbeType::kTcpSyn, uint16_t{443}},
                                std::pair{ProbeType::kIcmpEcho, uint16_t{0}}}) {
        bool test = type == ProbeType::kTcpSyn && port == 25;
        if (test && test_until != 0 && ttl > test_until) continue;
        if (ttl < kDistance) {
          if (!silent) Add(target, type, port, ttl, ReplyKind::kTimeExceeded, Hop(ttl), 64 - ttl);
        } else {
          Add(target, type, port, ttl,
              type == ProbeType::kIcmpEcho ? ReplyKind::kEchoReply : ReplyKind::kSynAck, target);
        }
      }
    }
  }

  std::vector<Verdict> JudgeEverything() {
    JudgeOptions options;
    options.source_address = 0xc6120001;
    return JudgeAll(*table_, options);
  }
  const Verdict& Of(const std::vector<Verdict>& verdicts, uint32_t target) {
    for (const Verdict& v : verdicts) {
      if (v.target == target) return v;
    }
    ADD_FAILURE() << "no verdict";
    return verdicts.front();
  }

  targets::TargetSet targets_;
  std::unique_ptr<ObservationTable> table_;
};

TEST_F(JudgeTest, UnfilteredTargetsAreReachableNeverBlocked) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i);
  for (const Verdict& v : JudgeEverything()) {
    EXPECT_EQ(v.verdict, VerdictKind::kReachable);
    EXPECT_EQ(v.distance, kDistance);
  }
}

TEST_F(JudgeTest, SilentDropIsLocatedBetweenLastAnsweringHopAndNext) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 2 : 0);
  std::vector<Verdict> verdicts = JudgeEverything();
  const Verdict& v = Of(verdicts, kPrefix + 7);
  EXPECT_EQ(v.verdict, VerdictKind::kSilentDrop);
  EXPECT_EQ(v.after_ttl, 2);
  EXPECT_EQ(v.after_addr, Hop(2));
  EXPECT_EQ(v.before_ttl, 3);
  EXPECT_EQ(v.before_addr, Hop(3));
  EXPECT_EQ(v.scope, Scope::kHost);
  EXPECT_GE(v.supporting, 3);
  EXPECT_EQ(v.contradicting, 0);
  EXPECT_EQ(Of(verdicts, kPrefix + 6).verdict, VerdictKind::kReachable);
  std::vector<std::string> summary = SummarizeVerdicts(verdicts);
  ASSERT_FALSE(summary.empty());
  EXPECT_NE(summary[0].find("1 of 16 targets: silent drop after hop 2 (198.18.1.2)"), std::string::npos)
      << summary[0];
}

TEST_F(JudgeTest, SilentHopWidensTheInterval) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 3 ? 2 : 0, {3});
  const Verdict v = Of(JudgeEverything(), kPrefix + 3);
  EXPECT_EQ(v.verdict, VerdictKind::kSilentDrop);
  EXPECT_EQ(v.after_ttl, 2);
  EXPECT_EQ(v.before_ttl, 4);
}

TEST_F(JudgeTest, WholePrefixBlockedOnThePortHasPrefixScope) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, 3);
  for (const Verdict& v : JudgeEverything()) {
    EXPECT_EQ(v.verdict, VerdictKind::kSilentDrop);
    EXPECT_EQ(v.scope, Scope::kPrefix);
    EXPECT_EQ(v.after_ttl, 3);
  }
}

TEST_F(JudgeTest, InPathRstBelowDistance) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 9 ? 2 : 0);
  uint32_t target = kPrefix + 9;
  for (int ttl = 3; ttl <= kTtlMax; ++ttl) {
    Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target, 62, 0);
  }
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_EQ(v.verdict, VerdictKind::kRstInjection);
  EXPECT_EQ(v.mechanism, Mechanism::kInPath);
  EXPECT_EQ(v.after_ttl, 2);
  EXPECT_EQ(v.before_ttl, 3);
}

TEST_F(JudgeTest, OnPathRstRacesTheRealSynAck) {
  uint32_t target = kPrefix + 4;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i);  // the SYN travels on: SYN-ACKs too
  for (int ttl = 3; ttl <= kTtlMax; ++ttl) {
    Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target, 63, 4321);
  }
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_EQ(v.verdict, VerdictKind::kRstInjection);
  EXPECT_EQ(v.mechanism, Mechanism::kOnPath);
  EXPECT_EQ(v.after_ttl, 2);
  EXPECT_EQ(v.before_ttl, 3);
  bool named = false;
  for (const Evidence& e : v.evidence) named = named || e.name == "rst_and_syn_ack";
  EXPECT_TRUE(named);
}

TEST_F(JudgeTest, GenuineRstIsClosed) {
  uint32_t target = kPrefix + 2;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 2 ? kDistance - 1 : 0);
  for (int ttl = kDistance; ttl <= kTtlMax; ++ttl) {
    Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target, 60, 0);
  }
  EXPECT_EQ(Of(JudgeEverything(), target).verdict, VerdictKind::kClosed);
}

TEST_F(JudgeTest, AdminProhibitedVersusOtherUnreachable) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, (i == 5 || i == 6) ? 2 : 0);
  for (int ttl = 3; ttl <= kTtlMax; ++ttl) {
    Add(kPrefix + 5, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kDestUnreachable, Hop(2), 63, 1, 0, 13);
    Add(kPrefix + 6, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kDestUnreachable, Hop(2), 63, 1, 0, 1);
  }
  std::vector<Verdict> verdicts = JudgeEverything();
  const Verdict& prohibited = Of(verdicts, kPrefix + 5);
  EXPECT_EQ(prohibited.verdict, VerdictKind::kIcmpProhibited);
  EXPECT_EQ(prohibited.icmp_from, Hop(2));
  EXPECT_EQ(prohibited.icmp_code, 13);
  EXPECT_EQ(prohibited.after_ttl, 2);
  const Verdict& other = Of(verdicts, kPrefix + 6);
  EXPECT_EQ(other.verdict, VerdictKind::kUnreachable);
  EXPECT_EQ(other.icmp_code, 1);
}

TEST_F(JudgeTest, EverythingDyingTogetherIsUnreachableNotBlocked) {
  // Only the first two hops answer anything, for every probe of every target.
  for (uint32_t i = 0; i < 16; ++i) {
    for (int ttl = 1; ttl <= 2; ++ttl) {
      Add(kPrefix + i, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kTimeExceeded, Hop(ttl));
      Add(kPrefix + i, ProbeType::kTcpSyn, 443, ttl, ReplyKind::kTimeExceeded, Hop(ttl));
    }
  }
  for (const Verdict& v : JudgeEverything()) {
    EXPECT_EQ(v.verdict, VerdictKind::kUnreachable);
    EXPECT_FALSE(IsBlocking(v.verdict));
  }
}

TEST_F(JudgeTest, WholeHostBlackholedWhileOtherHostsPassIsASilentDropOfTheHost) {
  // The seed story: traceroutes to the mail host die at hop 3, another host is reachable.
  for (uint32_t i = 0; i < 16; ++i) {
    if (i != 11) {
      Path(kPrefix + i);
      continue;
    }
    for (int ttl = 1; ttl <= 3; ++ttl) {
      Add(kPrefix + i, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kTimeExceeded, Hop(ttl));
      Add(kPrefix + i, ProbeType::kTcpSyn, 443, ttl, ReplyKind::kTimeExceeded, Hop(ttl));
      Add(kPrefix + i, ProbeType::kIcmpEcho, 0, ttl, ReplyKind::kTimeExceeded, Hop(ttl));
    }
  }
  const Verdict v = Of(JudgeEverything(), kPrefix + 11);
  EXPECT_EQ(v.verdict, VerdictKind::kSilentDrop);
  EXPECT_EQ(v.scope, Scope::kHost);
  EXPECT_EQ(v.after_ttl, 3);
  EXPECT_EQ(v.before_ttl, 4);
  EXPECT_EQ(v.distance, kDistance);  // from the other hosts
  bool named = false;
  for (const Evidence& e : v.evidence) named = named || e.name == "same_host_controls_blocked_too";
  EXPECT_TRUE(named);
}

TEST_F(JudgeTest, GenuineRstOneHopShortOnABalancedPathIsNotAnInjection) {
  uint32_t target = kPrefix + 12;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 12 ? kDistance - 2 : 0);
  for (int ttl = kDistance - 1; ttl <= kTtlMax; ++ttl) {
    Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target, 60, 0);  // like the SYN-ACKs
  }
  EXPECT_EQ(Of(JudgeEverything(), target).verdict, VerdictKind::kClosed);
}

TEST_F(JudgeTest, SweepGoesDeeperOnlyWhileTheDestinationIsUnreachedAndThePathAlive) {
  // Only hops 1..3 answered so far (window 1..4, hop 4 silent): sweep deeper for all.
  for (uint32_t i = 0; i < 16; ++i) {
    for (int ttl = 1; ttl <= 3; ++ttl) {
      Add(kPrefix + i, ProbeType::kIcmpEcho, 0, ttl, ReplyKind::kTimeExceeded, Hop(ttl));
    }
  }
  EXPECT_EQ(TargetsToSweepDeeper(*table_, JudgeOptions{}, 4).size(), 16u);
  // One host's echo reaches the destination: its whole group stops.
  Add(kPrefix + 3, ProbeType::kIcmpEcho, 0, 4, ReplyKind::kEchoReply, kPrefix + 3);
  EXPECT_TRUE(TargetsToSweepDeeper(*table_, JudgeOptions{}, 4).empty());
}

TEST_F(JudgeTest, NoRepliesAtAllIsInconclusive) {
  for (const Verdict& v : JudgeEverything()) {
    EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
    EXPECT_EQ(v.reason, "no_replies");
  }
}

TEST_F(JudgeTest, RetriesTargetTheSilentTestCellsOnly) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 2 : 0);
  std::vector<CellRef> cells = SilentTestCells(*table_, JudgeOptions{}, kTtlMax);
  ASSERT_EQ(cells.size(), static_cast<size_t>(kTtlMax - 2));
  for (const CellRef& cell : cells) {
    EXPECT_EQ(targets_.At(cell.target_index), kPrefix + 7);
    EXPECT_GT(cell.ttl, 2);
  }
  EXPECT_TRUE(TargetsToSweepDeeper(*table_, JudgeOptions{}, kTtlMax).empty());
}

}  // namespace
}  // namespace cutpoint::locate
