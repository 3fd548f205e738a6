// SPDX-License-Identifier: Apache-2.0
// Verdicts from synthetic observations: a 4-router path (hops 198.18.k.2 at TTL k+1...),
// targets at distance 5 in 198.19.1.0/24, test port 25, controls 443 and ICMP echo.
#include "engine/locate/judge.h"

#include <gtest/gtest.h>

#include "test_util.h"

#include <cmath>
#include <functional>
#include <random>

#include "engine/locate/partial_test.h"
#include "engine/locate/screen.h"
#include "engine/locate/summary.h"
#include "simulated_path.h"

namespace cutpoint::locate {
namespace {

using match::ReplyKind;
using probe::ProbeType;

constexpr uint32_t kPrefix = 0xc6130100;  // 198.19.1.0
constexpr int kDistance = 5;
constexpr int kTtlMax = 7;

testutil::Ipv4Literal Hop(int ttl) { return {0xc6120002 + (static_cast<uint32_t>(ttl - 1) << 8)}; }  // 198.18.(ttl-1).2

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
    r.target = wire::IpAddress::V4(target);
    r.probe_type = type;
    r.port = port;
    r.probe_ttl = static_cast<uint8_t>(ttl);
    r.attempt = static_cast<uint8_t>(attempt);
    r.kind = kind;
    r.from = wire::IpAddress::V4(from);
    r.reply_ttl = reply_ttl;
    r.reply_ipid = ipid;
    r.icmp_code = code;
    r.rtt_us = 100 * ttl;
    ASSERT_TRUE(table_->Add(r));
  }

  // What an unfiltered path answers to every probe of `target` (`attempts` of each);
  // `test_until` limits the test probe's time-exceeded answers (0: test unfiltered too).
  // `keep(ttl, attempt, kind)` (optional) decides which answers survive loss.
  using KeepFn = std::function<bool(int ttl, int attempt, int kind)>;
  void Path(uint32_t target, int test_until = 0, std::initializer_list<int> silent_hops = {},
            int attempts = probe::kMaxAttempts, const KeepFn& keep = nullptr) {
    for (int ttl = 1; ttl <= kTtlMax; ++ttl) {
      bool silent = std::find(silent_hops.begin(), silent_hops.end(), ttl) != silent_hops.end();
      int kind = 0;
      for (auto [type, port] : {std::pair{ProbeType::kTcpSyn, uint16_t{25}},
                                std::pair{ProbeType::kTcpSyn, uint16_t{443}},
                                std::pair{ProbeType::kIcmpEcho, uint16_t{0}}}) {
        bool test = kind++ == 0;
        if (test && test_until != 0 && ttl > test_until) continue;
        for (int attempt = 0; attempt < attempts; ++attempt) {
          if (keep && !keep(ttl, attempt, kind - 1)) continue;
          if (ttl < kDistance) {
            if (!silent) {
              Add(target, type, port, ttl, ReplyKind::kTimeExceeded, Hop(ttl), 64 - ttl, 0, attempt);
            }
          } else {
            Add(target, type, port, ttl,
                type == ProbeType::kIcmpEcho ? ReplyKind::kEchoReply : ReplyKind::kSynAck, target,
                60, 0, attempt);
          }
        }
      }
    }
  }

  std::vector<Verdict> JudgeEverything(const std::string& incomplete_reason = "") {
    JudgeOptions options;
    options.incomplete_reason = incomplete_reason;
    return JudgeAll(*table_, options);
  }
  const Verdict& Of(const std::vector<Verdict>& verdicts, uint32_t target) {
    for (const Verdict& v : verdicts) {
      if (v.target == wire::IpAddress::V4(target)) return v;
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

bool HasEvidence(const Verdict& v, const std::string& name) {
  for (const Evidence& e : v.evidence) {
    if (e.name == name) return true;
  }
  return false;
}

// Issue 13: an on-path injector on hop 3 that sends its RST with the probe's remaining
// TTL: the RST arrives with t - 4 and dies for every probe TTL below the distance (5),
// so the first RST answers the probe that also drew the target's SYN-ACK.
TEST_F(JudgeTest, TtlTrackingRstIsPlacedAtItsHopNotAtTheTarget) {
  uint32_t target = kPrefix + 6;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i);
  for (int ttl = kDistance; ttl <= kTtlMax; ++ttl) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target,
          static_cast<uint8_t>(ttl - 4), 4321, attempt);
    }
  }
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_EQ(v.verdict, VerdictKind::kRstInjection);
  EXPECT_EQ(v.mechanism, Mechanism::kOnPath);
  EXPECT_EQ(v.after_ttl, 2);  // on hop 3 or 4: the relation cannot tell N = 0 at 3 from 2 at 4
  EXPECT_EQ(v.before_ttl, 4);
  EXPECT_TRUE(HasEvidence(v, "rst_ttl_tracks_probe"));
}

// remaining+3 on hop 2: RSTs from probe TTL 2 on, arriving with t + 1; the probe with TTL
// 1 drew a time exceeded and would have drawn a live RST had it reached the device.
TEST_F(JudgeTest, TtlTrackingRstWithAnAddedConstantIsPlacedExactly) {
  uint32_t target = kPrefix + 8;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i);
  for (int ttl = 2; ttl <= kTtlMax; ++ttl) {
    Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target,
        static_cast<uint8_t>(ttl + 1), 999);
  }
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_EQ(v.verdict, VerdictKind::kRstInjection);
  EXPECT_EQ(v.mechanism, Mechanism::kOnPath);
  EXPECT_EQ(v.after_ttl, 1);
  EXPECT_EQ(v.before_ttl, 2);
  EXPECT_TRUE(HasEvidence(v, "rst_ttl_tracks_probe"));
}

// An in-path device on hop 2 that drops the SYN and answers with its remaining TTL: the
// RST to probe TTL 2 dies on the way back (no RST cell there, only hop 2's time
// exceeded); the hop is 2 or 3, never only 3.
TEST_F(JudgeTest, InPathTtlTrackingRstMissingAtLowTtlsWidensDownwards) {
  uint32_t target = kPrefix + 10;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 10 ? 2 : 0);
  for (int ttl = 3; ttl <= kTtlMax; ++ttl) {
    Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target,
        static_cast<uint8_t>(ttl - 2), 777);
  }
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_EQ(v.verdict, VerdictKind::kRstInjection);
  EXPECT_EQ(v.mechanism, Mechanism::kInPath);
  EXPECT_EQ(v.after_ttl, 1);
  EXPECT_EQ(v.before_ttl, 3);
  EXPECT_TRUE(HasEvidence(v, "rst_ttl_tracks_probe"));
}

// A closed port: the target's RST arrives with the same TTL whatever the probe's.
TEST_F(JudgeTest, ConstantRstTtlIsTheTargetsOwnNotTracking) {
  uint32_t target = kPrefix + 11;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 11 ? kDistance - 1 : 0);
  for (int ttl = kDistance; ttl <= kTtlMax; ++ttl) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target, 60, 0, attempt);
    }
  }
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_EQ(v.verdict, VerdictKind::kClosed);
  EXPECT_FALSE(HasEvidence(v, "rst_ttl_tracks_probe"));
}

// Two probe TTLs rising one for one are what a balanced path's unequal branches can do:
// no tracking without kMinTrackingTtls (3) of them.
TEST_F(JudgeTest, TwoRisingRstTtlsAreNotTracking) {
  uint32_t target = kPrefix + 13;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 13 ? kDistance - 1 : 0);
  Add(target, ProbeType::kTcpSyn, 25, 6, ReplyKind::kRst, target, 60, 0);
  Add(target, ProbeType::kTcpSyn, 25, 7, ReplyKind::kRst, target, 61, 0);
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_FALSE(HasEvidence(v, "rst_ttl_tracks_probe"));
  EXPECT_NE(v.verdict, VerdictKind::kRstInjection);
}

// An injector copying the server's TTL and IP ID 0: placed by the RST to a probe below
// the distance and by the double answer.
TEST_F(JudgeTest, ServerCopyingRstIsPlacedByProbeTtlAndDoubleAnswer) {
  uint32_t target = kPrefix + 14;
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i);
  for (int ttl = 2; ttl <= kTtlMax; ++ttl) {
    Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, target, 60, 0);
  }
  const Verdict v = Of(JudgeEverything(), target);
  EXPECT_EQ(v.verdict, VerdictKind::kRstInjection);
  EXPECT_EQ(v.mechanism, Mechanism::kOnPath);
  EXPECT_EQ(v.after_ttl, 1);
  EXPECT_EQ(v.before_ttl, 2);
  EXPECT_TRUE(HasEvidence(v, "rst_below_distance"));
  EXPECT_TRUE(HasEvidence(v, "rst_and_syn_ack"));
  EXPECT_FALSE(HasEvidence(v, "rst_ttl_differs"));
  EXPECT_FALSE(HasEvidence(v, "rst_ipid_differs"));
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

TEST_F(JudgeTest, WholeHostSilentWhileOtherHostsPassIsNoAccusation) {
  // Traceroutes to one host die at hop 3, other hosts are reachable: a filter keyed on
  // the host, or the host is down. Its own controls cannot tell the test from loss.
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
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "host_silent");
  EXPECT_EQ(v.distance, kDistance);  // from the other hosts
  bool named = false;
  for (const Evidence& e : v.evidence) named = named || e.name == "same_host_controls_blocked_too";
  EXPECT_TRUE(named);
}

// A host whose every probe dies after hop `last` (time exceeded up to it, base attempts
// 0 and 1), the others of the /28 unfiltered.
class BlackholeTest : public JudgeTest {
 protected:
  void SilentAfter(uint32_t target, int last) {
    for (int ttl = 1; ttl <= last; ++ttl) {
      for (int attempt = 0; attempt < 2; ++attempt) {
        Add(target, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kTimeExceeded, Hop(ttl), 60, 0, attempt);
        Add(target, ProbeType::kTcpSyn, 443, ttl, ReplyKind::kTimeExceeded, Hop(ttl), 60, 0,
            attempt);
        Add(target, ProbeType::kIcmpEcho, 0, ttl, ReplyKind::kTimeExceeded, Hop(ttl), 60, 0,
            attempt);
      }
    }
  }
  // Judged knowing the sweep's plan: `window` TTLs a round, 2 attempts.
  std::vector<Verdict> JudgeWithPlan(int window) {
    JudgeOptions options;
    options.window = window;
    options.attempts = 2;
    return JudgeAll(*table_, options);
  }
};

TEST_F(BlackholeTest, HostWhoseRouteEndsBeforeOthersRoutersIsBlackholedThere) {
  for (uint32_t i = 0; i < 16; ++i) {
    if (i == 11) {
      SilentAfter(kPrefix + i, 2);
    } else {
      Path(kPrefix + i, 0, {}, 2);
    }
  }
  std::vector<Verdict> verdicts = JudgeWithPlan(8);
  const Verdict& v = Of(verdicts, kPrefix + 11);
  EXPECT_EQ(v.verdict, VerdictKind::kBlackholed);
  EXPECT_TRUE(IsBlocking(v.verdict));
  EXPECT_EQ(v.after_ttl, 2);
  EXPECT_EQ(v.after_addr, wire::IpAddress(Hop(2)));
  EXPECT_EQ(v.before_ttl, 3);
  EXPECT_EQ(v.before_addr, wire::IpAddress(Hop(3)));
  EXPECT_EQ(v.scope, Scope::kHost);
  EXPECT_EQ(v.test_probes, (kTtlMax - 2) * 3 * 2);  // TTL 3..7, three kinds, two attempts
  EXPECT_LE(v.p, v.threshold);
  for (const Verdict& other : verdicts) {
    if (other.target != wire::IpAddress::V4(kPrefix + 11)) {
      EXPECT_EQ(other.verdict, VerdictKind::kReachable);
    }
  }
  EXPECT_NE(DescribeVerdict(v).find("blackholed: every probe to the host dies after hop 2"),
            std::string::npos)
      << DescribeVerdict(v);
}

TEST_F(BlackholeTest, NullRoutedPrefixIsOneCut) {
  for (uint32_t i = 0; i < 16; ++i) {
    if (i >= 8) {
      SilentAfter(kPrefix + i, 3);
    } else {
      Path(kPrefix + i, 0, {}, 2);
    }
  }
  std::vector<Verdict> verdicts = JudgeWithPlan(8);
  std::vector<Cut> cuts = FindCuts(&verdicts);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].verdict->cut_prefix, "198.19.1.8/29");
  EXPECT_EQ(cuts[0].verdict->verdict, VerdictKind::kBlackholed);
  EXPECT_EQ(cuts[0].verdict->after_ttl, 3);
  EXPECT_EQ(Of(verdicts, kPrefix + 9).scope, Scope::kPrefix);
}

TEST_F(BlackholeTest, HostDownBehindTheLastRouterIsNoAccusation) {
  // Hop 4 is the last router: the others' answers beyond it come from the hosts
  // themselves, which a host that is down does not send.
  for (uint32_t i = 0; i < 16; ++i) {
    if (i == 11) {
      SilentAfter(kPrefix + i, 4);
    } else {
      Path(kPrefix + i, 0, {}, 2);
    }
  }
  const Verdict v = Of(JudgeWithPlan(8), kPrefix + 11);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "host_silent");
}

TEST_F(BlackholeTest, SilenceAtTheWindowTopIsNoAccusation) {
  // Windows of 2 TTLs: the host's last answer closes the window 1..2, so nothing shows
  // that the window 3..4 went to it.
  for (uint32_t i = 0; i < 16; ++i) {
    if (i == 11) {
      SilentAfter(kPrefix + i, 2);
    } else {
      Path(kPrefix + i, 0, {}, 2);
    }
  }
  const Verdict v = Of(JudgeWithPlan(2), kPrefix + 11);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "host_silent");
}

TEST_F(BlackholeTest, OneOtherHostPastTheHopIsNoAccusation) {
  for (uint32_t i = 0; i < 16; ++i) {
    if (i == 3) {
      Path(kPrefix + i, 0, {}, 2);
    } else {
      SilentAfter(kPrefix + i, 2);
    }
  }
  for (const Verdict& v : JudgeWithPlan(8)) EXPECT_FALSE(IsBlocking(v.verdict));
}

TEST_F(BlackholeTest, RareAnswersBeyondTheHopAreNoAccusation) {
  // The other hosts' probes beyond hop 2 answer one time in ten or so (a rate-limited,
  // lossy path): 30 silent probes of this host are within chance.
  int n = 0;
  for (uint32_t i = 0; i < 16; ++i) {
    if (i == 11) {
      SilentAfter(kPrefix + i, 2);
    } else {
      Path(kPrefix + i, 0, {}, 2, [&](int ttl, int, int) { return ttl <= 2 || n++ % 12 == 0; });
    }
  }
  const Verdict v = Of(JudgeWithPlan(8), kPrefix + 11);
  EXPECT_FALSE(IsBlocking(v.verdict)) << VerdictName(v.verdict);
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
  // One host's echo reaches the destination: its whole group stops — but for that host,
  // whose test probe is silent while its control reached it (its evidence lies deeper).
  Add(kPrefix + 3, ProbeType::kIcmpEcho, 0, 4, ReplyKind::kEchoReply, kPrefix + 3);
  std::vector<uint64_t> deeper = TargetsToSweepDeeper(*table_, JudgeOptions{}, 4);
  ASSERT_EQ(deeper.size(), 1u);
  EXPECT_EQ(targets_.At(deeper[0]), wire::IpAddress::V4(kPrefix + 3));
}

TEST_F(JudgeTest, NoRepliesAtAllIsInconclusive) {
  for (const Verdict& v : JudgeEverything()) {
    EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
    EXPECT_EQ(v.reason, "no_replies");
  }
}

TEST_F(JudgeTest, RetriesTargetTheSilentTestCellsOnly) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 2 : 0, {}, 1);
  std::vector<CellRef> cells = SilentTestCells(*table_, JudgeOptions{}, kTtlMax);
  ASSERT_EQ(cells.size(), static_cast<size_t>(kTtlMax - 2));
  for (const CellRef& cell : cells) {
    EXPECT_EQ(targets_.At(cell.target_index), wire::IpAddress::V4(kPrefix + 7));
    EXPECT_GT(cell.ttl, 2);
  }
  EXPECT_TRUE(TargetsToSweepDeeper(*table_, JudgeOptions{}, kTtlMax).empty());
}

}  // namespace
}  // namespace cutpoint::locate

namespace cutpoint::locate {
namespace {

// Row 1 of issue 10: a sweep cut short must not accuse.
TEST_F(JudgeTest, InterruptedSweepWithholdsEveryVerdictButReachable) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 2 : 0);
  for (int ttl = 3; ttl <= kTtlMax; ++ttl) {  // and an in-path RST for another
    for (int attempt = 0; attempt < 2; ++attempt) {
      Add(kPrefix + 9, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, kPrefix + 9, 62, 0, attempt);
    }
  }
  ASSERT_EQ(Of(JudgeEverything(), kPrefix + 7).verdict, VerdictKind::kSilentDrop);
  std::vector<Verdict> verdicts = JudgeEverything("interrupted");
  for (const Verdict& v : verdicts) {
    EXPECT_FALSE(IsBlocking(v.verdict)) << v.target;
    EXPECT_EQ(v.distance, 0);  // what an incomplete sweep saw may lack the nearest answers
  }
  const Verdict& cut = Of(verdicts, kPrefix + 7);
  EXPECT_EQ(cut.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(cut.reason, "interrupted");
  EXPECT_EQ(Of(verdicts, kPrefix + 9).reason, "interrupted");
  EXPECT_EQ(Of(verdicts, kPrefix + 6).verdict, VerdictKind::kReachable);
  std::vector<std::string> summary = SummarizeVerdicts(verdicts);
  ASSERT_FALSE(summary.empty());
  EXPECT_EQ(summary[0], "2 of 16 targets: inconclusive (interrupted)");
}

TEST_F(JudgeTest, CaptureLossWithholdsBlockingVerdictsToo) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 2 : 0);
  const Verdict v = Of(JudgeEverything("capture_loss"), kPrefix + 7);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "capture_loss");
}

// One forged RST (below the distance, racing the SYN-ACK) is one packet: no accusation
// (and no `reachable` either: an on-path injector's other RSTs may have been lost).
TEST_F(JudgeTest, OneForgedRstOnAReachableTargetIsNoInjection) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i);
  Add(kPrefix + 4, ProbeType::kTcpSyn, 25, 2, ReplyKind::kRst, kPrefix + 4, 64, 777, 1);
  const Verdict v = Of(JudgeEverything(), kPrefix + 4);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "single_probe");
  EXPECT_EQ(v.evidence_probes, 1);
  bool named = false;
  for (const Evidence& e : v.evidence) named = named || e.name == "single_probe";
  EXPECT_TRUE(named);
}

// Under loss: a SYN-ACK lost on the way back leaves the target half-open, and the next
// SYN of the same flow draws the target's own RST — on another probe than any SYN-ACK.
TEST_F(JudgeTest, TargetsOwnRstFromAHalfOpenConnectionIsNoInjection) {
  for (uint32_t i = 0; i < 16; ++i) {
    Path(kPrefix + i, 0, {}, probe::kMaxAttempts,
         [i](int ttl, int attempt, int kind) { return i != 4 || kind != 0 || ttl < 5 || attempt == 0; });
  }
  for (int ttl = 6; ttl <= 7; ++ttl) {  // attempt 1 at TTL 6 and 7: the target's RST
    Add(kPrefix + 4, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kRst, kPrefix + 4, 60, 0, 1);
  }
  const Verdict v = Of(JudgeEverything(), kPrefix + 4);
  EXPECT_EQ(v.verdict, VerdictKind::kReachable);
  bool named = false;
  for (const Evidence& e : v.evidence) named = named || e.name == "rst_from_half_open";
  EXPECT_TRUE(named);
}

TEST_F(JudgeTest, OneRstOnASilentTargetIsInconclusive) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 4 ? 2 : 0);
  Add(kPrefix + 4, ProbeType::kTcpSyn, 25, 3, ReplyKind::kRst, kPrefix + 4, 64, 777, 0);
  const Verdict v = Of(JudgeEverything(), kPrefix + 4);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "single_probe");
}

TEST_F(JudgeTest, RstInjectionCountsItsEvidenceProbes) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 9 ? 2 : 0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    Add(kPrefix + 9, ProbeType::kTcpSyn, 25, 3, ReplyKind::kRst, kPrefix + 9, 62, 0, attempt);
  }
  const Verdict v = Of(JudgeEverything(), kPrefix + 9);
  EXPECT_EQ(v.verdict, VerdictKind::kRstInjection);
  EXPECT_EQ(v.evidence_probes, 2);
}

TEST_F(JudgeTest, ASingleRstIsProbedAgain) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 4 ? 2 : 0, {}, 1);
  Add(kPrefix + 4, ProbeType::kTcpSyn, 25, 3, ReplyKind::kRst, kPrefix + 4, 64, 777, 0);
  std::vector<CellRef> cells = SilentTestCells(*table_, JudgeOptions{}, kTtlMax);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(targets_.At(cells[0].target_index), wire::IpAddress::V4(kPrefix + 4));
  EXPECT_EQ(cells[0].ttl, 3);
}

TEST_F(JudgeTest, OneAdminProhibitedIsInconclusive) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 5 ? 2 : 0);
  Add(kPrefix + 5, ProbeType::kTcpSyn, 25, 3, ReplyKind::kDestUnreachable, Hop(2), 63, 1, 0, 13);
  const Verdict v = Of(JudgeEverything(), kPrefix + 5);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "single_probe");
}

// Row 12: a silence that the controls' own loss explains is no drop.
TEST_F(JudgeTest, SilenceThatLossExplainsIsInconclusive) {
  // Target 3's test last answers at hop 4; beyond it, in every row, one of its two
  // controls answers and one is lost: (2/3)^12 is far above 0.001 / 16.
  for (uint32_t i = 0; i < 16; ++i) {
    if (i != 3) {
      Path(kPrefix + i);
      continue;
    }
    Path(kPrefix + i, 4, {}, probe::kMaxAttempts,
         [](int ttl, int attempt, int kind) { return ttl <= 4 || kind == 1 + (attempt & 1); });
  }
  const Verdict v = Of(JudgeEverything(), kPrefix + 3);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "loss");
  EXPECT_TRUE(v.has_silence_test);
  EXPECT_EQ(v.test_probes, 12);
  EXPECT_EQ(v.control_probes, 24);
  EXPECT_EQ(v.control_passes, 12);
  EXPECT_NEAR(v.p, std::pow(2.0 / 3.0, 12), 1e-12);
  EXPECT_DOUBLE_EQ(v.threshold, 0.001 / 16);
}

TEST_F(JudgeTest, SilentDropReportsItsNumbers) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 2 : 0);
  const Verdict v = Of(JudgeEverything(), kPrefix + 7);
  ASSERT_EQ(v.verdict, VerdictKind::kSilentDrop);
  EXPECT_EQ(v.test_probes, 5 * probe::kMaxAttempts);  // TTLs 3..7, every attempt
  EXPECT_EQ(v.control_probes, 2 * v.test_probes);
  EXPECT_EQ(v.control_passes, v.control_probes);
  EXPECT_NEAR(v.p, std::pow(1.0 / 3.0, 20), 1e-15);
  EXPECT_LE(v.p, v.threshold);
}

TEST_F(JudgeTest, ThreeSilentRowsAreNotEnoughEvenWithoutLoss) {
  // One attempt, test silent at TTLs 5..7 while both controls answer: (1/3)^3 is above
  // 0.001 / 16 — the sweep would spend more attempts here.
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 4 : 0, {}, 1);
  const Verdict v = Of(JudgeEverything(), kPrefix + 7);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive);
  EXPECT_EQ(v.reason, "loss");
}

TEST_F(JudgeTest, UndecidedSilenceSweepsPastTheDestination) {
  // Swept TTLs 1..5 only, once: target 7's test is silent from hop 3 while its controls
  // reach it at 5 — three rows prove nothing, so its sweep goes on past the destination;
  // the reached targets stop.
  for (uint32_t i = 0; i < 16; ++i) {
    Path(kPrefix + i, i == 7 ? 2 : 0, {}, 1, [](int ttl, int, int) { return ttl <= 5; });
  }
  std::vector<uint64_t> deeper = TargetsToSweepDeeper(*table_, JudgeOptions{}, 5);
  ASSERT_EQ(deeper.size(), 1u);
  EXPECT_EQ(targets_.At(deeper[0]), wire::IpAddress::V4(kPrefix + 7));
}

TEST_F(JudgeTest, DecidedTargetsAreNotRetried) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? 2 : 0);  // 4 attempts: decided
  EXPECT_TRUE(SilentTestCells(*table_, JudgeOptions{}, kTtlMax).empty());
}

// Random loss on an unfiltered path, 30 % each way at hop 2 (every probe beyond it
// passes with 0.49), `attempts` probes per cell: many simulated runs of 64 targets.
struct LossOutcome {
  int judged = 0;
  int blocking = 0;
  int inconclusive = 0;
  int partial = 0;
};
LossOutcome SimulateRandomLoss(int attempts) {
  std::mt19937_64 random(20261130);
  std::bernoulli_distribution passes(0.49);
  LossOutcome outcome;
  for (int run = 0; run < 40; ++run) {
    targets::TargetSetBuilder builder;
    EXPECT_TRUE(builder.AddSpec("198.19.1.0/26").ok());
    targets::TargetSet targets = std::move(builder).Build();
    const LocateLayout layout = simulated::SimulatedLayout(kTtlMax);
    absl::StatusOr<ObservationTable> table = ObservationTable::Create(&targets, layout);
    EXPECT_TRUE(table.ok());
    for (uint64_t t = 0; t < targets.size(); ++t) {
      for (int ttl = 1; ttl <= kTtlMax; ++ttl) {
        for (int kind = 0; kind < 3; ++kind) {
          for (int attempt = 0; attempt < attempts; ++attempt) {
            if (ttl > 2 && !passes(random)) continue;
            EXPECT_TRUE(table->Add(simulated::SimulatedReply(layout, targets.At(t).v4(), kind, ttl,
                                                             attempt, kDistance)));
          }
        }
      }
    }
    for (const Verdict& v : JudgeAll(*table, JudgeOptions{})) {
      ++outcome.judged;
      outcome.blocking += IsBlocking(v.verdict) ? 1 : 0;
      outcome.partial += v.verdict == VerdictKind::kPartialDrop ? 1 : 0;
      outcome.inconclusive += v.verdict == VerdictKind::kInconclusive ? 1 : 0;
    }
  }
  return outcome;
}

// The judge before the silence test accused 1 of these 2560 targets.
TEST(JudgeLossTest, RandomLossNeverAccusesAnUnfilteredTarget) {
  LossOutcome outcome = SimulateRandomLoss(probe::kMaxAttempts);
  EXPECT_EQ(outcome.blocking, 0) << "of " << outcome.judged;
  EXPECT_LT(outcome.inconclusive, outcome.judged / 100) << "of " << outcome.judged;
}

// Loss on every probe alike (test and controls) lowers the test's pass fraction as much
// as the controls': never a partial drop, with every attempt or two.
TEST(JudgeLossTest, RandomLossOnEverythingIsNeverAPartialDrop) {
  for (int attempts : {2, probe::kMaxAttempts}) {
    LossOutcome outcome = SimulateRandomLoss(attempts);
    EXPECT_EQ(outcome.partial, 0) << "of " << outcome.judged << " with " << attempts;
  }
}

// With two attempts (a sweep cut before its retries) the old judge accused 46 of 2560.
TEST(JudgeLossTest, FewerAttemptsUnderLossAreInconclusiveNotAccusations) {
  LossOutcome outcome = SimulateRandomLoss(2);
  EXPECT_EQ(outcome.blocking, 0) << "of " << outcome.judged;
  EXPECT_GT(outcome.inconclusive, 0);
}

}  // namespace
}  // namespace cutpoint::locate

namespace cutpoint::locate {
namespace {

// A half-open connection of the test flow answers its SYNs with challenge ACKs: the SYNs
// reach the open port, so the silence of SYN-ACKs is no drop.
TEST_F(JudgeTest, HalfOpenAcksAreReachableNotSilence) {
  for (uint32_t i = 0; i < 16; ++i) Path(kPrefix + i, i == 7 ? kDistance - 1 : 0);
  ASSERT_EQ(Of(JudgeEverything(), kPrefix + 7).verdict, VerdictKind::kSilentDrop);
  for (int ttl = kDistance; ttl <= kTtlMax; ++ttl) {
    Add(kPrefix + 7, ProbeType::kTcpSyn, 25, ttl, ReplyKind::kHalfOpenAck, kPrefix + 7, 60, 0, 1);
  }
  const Verdict v = Of(JudgeEverything(), kPrefix + 7);
  EXPECT_EQ(v.verdict, VerdictKind::kReachable);
  ASSERT_FALSE(v.evidence.empty());
  EXPECT_EQ(v.evidence.front().name, "ack_from_half_open");
}

// Screening: the test at TTL max decides who is swept; a target judged on the screen
// alone is reachable with no distance.
class ScreenTest : public JudgeTest {
 protected:
  // Every target answers at TTL max only (the screen), target 7's test stays silent.
  void Screen() {
    for (uint32_t i = 0; i < 16; ++i) {
      for (int attempt = 0; attempt < 2; ++attempt) {
        if (i != 7) {
          Add(kPrefix + i, ProbeType::kTcpSyn, 25, kTtlMax, ReplyKind::kSynAck, kPrefix + i, 60, 0,
              attempt);
        }
        Add(kPrefix + i, ProbeType::kTcpSyn, 443, kTtlMax, ReplyKind::kSynAck, kPrefix + i, 60, 0,
            attempt);
      }
    }
  }
  static int Count(const std::vector<bool>& swept) {
    return static_cast<int>(std::count(swept.begin(), swept.end(), true));
  }
};

TEST_F(ScreenTest, CleanMeansASynAckAndNothingElse) {
  Screen();
  EXPECT_TRUE(ScreenedClean(*table_, 3, 2));
  EXPECT_FALSE(ScreenedClean(*table_, 7, 2));  // silent test
  Add(kPrefix + 4, ProbeType::kTcpSyn, 25, kTtlMax, ReplyKind::kRst, kPrefix + 4, 60, 0, 1);
  EXPECT_FALSE(ScreenedClean(*table_, 4, 2));  // SYN-ACK and RST
  EXPECT_TRUE(ScreenedClean(*table_, 4, 1));   // attempt 1 is not looked at
  Add(kPrefix + 5, ProbeType::kTcpSyn, 25, kTtlMax, ReplyKind::kTimeExceeded, Hop(kTtlMax), 60);
  EXPECT_FALSE(ScreenedClean(*table_, 5, 2));
  // After attempt 0 (target 4's RST came on attempt 1): the silent and the expired.
  EXPECT_EQ(TargetsToRescreen(*table_, 1), (std::vector<uint64_t>{5, 7}));
}

TEST_F(ScreenTest, SweptAreTheSuspiciousTheirSiblingsTheSampleAndControlHosts) {
  Screen();
  ScreenOptions options;
  options.sample_rate = 0;
  options.group_companions = 2;
  options.seed = 99;
  std::vector<bool> swept = TargetsToSweep(*table_, options);
  EXPECT_TRUE(swept[7]);
  EXPECT_EQ(Count(swept), 3);
  EXPECT_EQ(TargetsToSweep(*table_, options), swept);  // keyed: the same every time
  options.control_hosts = {wire::IpAddress::V4(kPrefix + 15)};
  swept = TargetsToSweep(*table_, options);
  EXPECT_TRUE(swept[15]);
  EXPECT_GE(Count(swept), 3);
  options.sample_rate = 1;
  EXPECT_EQ(Count(TargetsToSweep(*table_, options)), 16);
  options.sample_rate = 0.5;  // about half of the clean ones, by the key
  const int half = Count(TargetsToSweep(*table_, options));
  EXPECT_GT(half, 3);
  EXPECT_LT(half, 16);
  options.seed = 100;
  EXPECT_NE(TargetsToSweep(*table_, options), TargetsToSweep(*table_, [&] {
              ScreenOptions other = options;
              other.seed = 101;
              return other;
            }()));
}

TEST_F(ScreenTest, ScreenedOnlyTargetsAreReachableWithoutADistance) {
  Screen();
  std::vector<bool> swept(16, false);
  swept[7] = true;
  JudgeOptions options;
  options.swept = &swept;
  const std::vector<Verdict> verdicts = JudgeAll(*table_, options);
  const Verdict& clean = Of(verdicts, kPrefix + 3);
  EXPECT_EQ(clean.verdict, VerdictKind::kReachable);
  EXPECT_EQ(clean.distance, 0);
  ASSERT_FALSE(clean.evidence.empty());
  EXPECT_EQ(clean.evidence.front().name, "screened");
  // Without the screen's word, a first answer at TTL max would read as distance 7.
  EXPECT_EQ(Of(JudgeEverything(), kPrefix + 3).distance, kTtlMax);
}

}  // namespace
}  // namespace cutpoint::locate

namespace cutpoint::locate {
namespace {

// A filter at hop 2 passing every other test SYN (rows (TTL, attempt) alternate), the
// controls untouched: 10 of the 20 rows from TTL 3 on pass.
bool HalfTheTestPasses(int ttl, int attempt, int kind) {
  return kind != 0 || ttl <= 2 || (ttl + attempt) % 2 == 0;
}

TEST_F(JudgeTest, HalfTheTestDroppedWithCleanControlsIsAPartialDrop) {
  for (uint32_t i = 0; i < 16; ++i) {
    Path(kPrefix + i, 0, {}, probe::kMaxAttempts, i == 7 ? KeepFn(HalfTheTestPasses) : nullptr);
  }
  std::vector<Verdict> verdicts = JudgeEverything();
  const Verdict& v = Of(verdicts, kPrefix + 7);
  ASSERT_EQ(v.verdict, VerdictKind::kPartialDrop);
  EXPECT_TRUE(IsBlocking(v.verdict));
  ASSERT_TRUE(v.has_pass_test);
  EXPECT_EQ(v.pass_from_ttl, 3);
  EXPECT_EQ(v.pass_probes, 20);
  EXPECT_EQ(v.test_passes, 10);
  EXPECT_DOUBLE_EQ(v.pass_fraction, 0.5);
  // Wilson 95 % for 10 of 20.
  EXPECT_NEAR(v.pass_ci_low, 0.2993, 1e-3);
  EXPECT_NEAR(v.pass_ci_high, 0.7007, 1e-3);
  EXPECT_DOUBLE_EQ(v.control_pass_fraction, 1.0);
  EXPECT_LT(v.pass_ci_high, v.control_ci_low);
  EXPECT_NEAR(v.pass_p, std::pow(1.0 / 3, 10), 1e-12);  // each silent row: 1 in 3
  EXPECT_LE(v.pass_p, v.threshold);
  // The test starts losing at TTL 3. Splits at TTL 2 and 1 are 2.44 and 4.39 log-units
  // less likely (8 passing rows at 50 % is 1 in 256): within the 1 / 0.001 likelihood
  // ratio, so neither hop is ruled out: the filter is after the prober, before hop 3.
  EXPECT_EQ(v.before_ttl, 3);
  EXPECT_EQ(v.before_addr, Hop(3));
  EXPECT_EQ(v.after_ttl, 0);
  EXPECT_EQ(v.after_addr, wire::IpAddress());
  EXPECT_EQ(v.distance, kDistance);
  EXPECT_EQ(v.scope, Scope::kHost);
  for (uint32_t i = 0; i < 16; ++i) {
    if (i != 7) {
      EXPECT_EQ(Of(verdicts, kPrefix + i).verdict, VerdictKind::kReachable);
    }
  }
  std::vector<std::string> summary = SummarizeVerdicts(verdicts);
  ASSERT_FALSE(summary.empty());
  EXPECT_NE(summary[0].find("1 of 16 targets: partial drop (about 50 % of SYNs pass) after the "
                            "prober, before hop 3"),
            std::string::npos)
      << summary[0];
  // Decided; only the hops its interval still spans (1, 2) are worth more rows, to narrow it.
  std::vector<CellRef> cells = SilentTestCells(*table_, JudgeOptions{}, kTtlMax);
  ASSERT_EQ(cells.size(), 2u);
  for (size_t i = 0; i < cells.size(); ++i) {
    EXPECT_EQ(targets_.At(cells[i].target_index), wire::IpAddress::V4(kPrefix + 7));
    EXPECT_EQ(cells[i].ttl, static_cast<int>(i) + 1);
  }
}

// Two attempts, half of them lost: 5 of 10 rows is no proof (p = 3^-5), and no
// accusation — but the target gets the retry rows that could decide it.
TEST_F(JudgeTest, AFewLostTestProbesAreNoAccusationButAreRetried) {
  for (uint32_t i = 0; i < 16; ++i) {
    Path(kPrefix + i, 0, {}, 2, i == 7 ? KeepFn(HalfTheTestPasses) : nullptr);
  }
  const Verdict v = Of(JudgeEverything(), kPrefix + 7);
  EXPECT_FALSE(IsBlocking(v.verdict)) << VerdictName(v.verdict);
  EXPECT_EQ(v.verdict, VerdictKind::kReachable);
  std::vector<CellRef> cells = SilentTestCells(*table_, JudgeOptions{}, kTtlMax);
  ASSERT_EQ(cells.size(), static_cast<size_t>(kTtlMax));  // every TTL: whole rows
  for (const CellRef& cell : cells) EXPECT_EQ(targets_.At(cell.target_index), wire::IpAddress::V4(kPrefix + 7));
}

TEST_F(JudgeTest, OneLostTestProbeIsReachable) {
  for (uint32_t i = 0; i < 16; ++i) {
    Path(kPrefix + i, 0, {}, probe::kMaxAttempts,
         [i](int ttl, int attempt, int kind) { return i != 7 || kind != 0 || ttl != 6 || attempt != 1; });
  }
  const Verdict v = Of(JudgeEverything(), kPrefix + 7);
  EXPECT_EQ(v.verdict, VerdictKind::kReachable);
  EXPECT_FALSE(v.has_pass_test);
  EXPECT_TRUE(SilentTestCells(*table_, JudgeOptions{}, kTtlMax).empty());
}

TEST(PartialTestMath, WilsonAndPoissonBinomial) {
  Interval none = WilsonInterval(0, 0);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 1);
  Interval all = WilsonInterval(40, 40);
  EXPECT_NEAR(all.low, 0.9124, 1e-3);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  EXPECT_NEAR(PoissonBinomialCdf({0.5, 0.5}, 0), 0.25, 1e-12);
  EXPECT_NEAR(PoissonBinomialCdf({0.5, 0.5}, 1), 0.75, 1e-12);
  EXPECT_NEAR(PoissonBinomialCdf({1, 2.0 / 3, 2.0 / 3}, 1), 1.0 / 9, 1e-12);
}

// The screen: silent on attempt 0 while a control answered, a SYN-ACK on attempt 1 — a
// partial filter's mark, not loss: swept.
TEST_F(JudgeTest, ScreenSilentOnOneAttemptAndThroughOnAnotherIsNotClean) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt == 1) {
      Add(kPrefix + 7, ProbeType::kTcpSyn, 25, kTtlMax, ReplyKind::kSynAck, kPrefix + 7, 60, 0, 1);
    }
    Add(kPrefix + 7, ProbeType::kTcpSyn, 443, kTtlMax, ReplyKind::kSynAck, kPrefix + 7, 60, 0, attempt);
    // Target 8: every probe of attempt 0 lost, attempt 1 all through: loss, clean.
    if (attempt == 1) {
      Add(kPrefix + 8, ProbeType::kTcpSyn, 25, kTtlMax, ReplyKind::kSynAck, kPrefix + 8, 60, 0, 1);
      Add(kPrefix + 8, ProbeType::kTcpSyn, 443, kTtlMax, ReplyKind::kSynAck, kPrefix + 8, 60, 0, 1);
    }
  }
  EXPECT_FALSE(ScreenedClean(*table_, 7, 2));
  EXPECT_TRUE(ScreenedClean(*table_, 8, 2));
}

}  // namespace
}  // namespace cutpoint::locate
