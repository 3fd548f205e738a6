// SPDX-License-Identifier: Apache-2.0
// The in-process forgery check (issue 10, row 9): forged TCP replies, addressed to the
// planned targets and ports, through the matcher of a default `locate` run. A forger who
// does not know the key must guess the keyed source port, the padded TTL/attempt/tick and
// a 12-bit MAC: acceptance ~2^-32.5 per reply (match::ForgedTcpAcceptance), so 10^8
// forgeries are expected to get 0.02 accepted. Fixed seeds: the counts are reproducible.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "engine/match/matcher.h"
#include "engine/probe/probe_codec.h"
#include "engine/wire/byte_order.h"
#include "gtest/gtest.h"
#include "tests/unit/v4_ranges.h"

#ifndef CUTPOINT_FORGERY_TRIALS
#define CUTPOINT_FORGERY_TRIALS 100000000
#endif

namespace cutpoint::match {
namespace {

constexpr uint32_t kSource = 0xc6120001;     // 198.18.0.1
constexpr uint32_t kTargetNet = 0xc6130100;  // 198.19.1.0/24
constexpr int64_t kStartUs = 1795790798000000;
constexpr uint16_t kPorts[] = {25, 443};

// splitmix64: fast, and good enough to draw forgeries.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
};

probe::ProbeKey Key() {
  probe::ProbeKey key;
  Rng rng{20261130};
  for (uint8_t& b : key.bytes) b = static_cast<uint8_t>(rng.Next());
  return key;
}

// `cutpoint locate -p 25 --control-port 443` with the defaults: TTL 1-32, 2 attempts and
// 1 retry round, 2 s cooldown.
MatcherConfig LocateDefaults(const targets::TargetSet* targets) {
  MatcherConfig config;
  config.source_v4 = wire::IpAddress::V4(kSource);
  config.targets = targets;
  config.ttl_min = 1;
  config.ttl_max = 32;
  config.attempts = 3;
  RestrictToKinds({{probe::ProbeType::kTcpSyn, 25},
                   {probe::ProbeType::kTcpSyn, 443},
                   {probe::ProbeType::kIcmpEcho, 0}},
                  &config);
  config.max_reply_age_us = ReplyAgeForWait(2.0);
  return config;
}

// A SYN-ACK or RST-ACK from `target`:`sport` to us:`dport` acknowledging `ack`.
void WriteTcpReply(uint8_t* p, uint32_t target, uint16_t sport, uint16_t dport, uint32_t ack,
                   bool rst) {
  std::memset(p, 0, 40);
  p[0] = 0x45;
  wire::StoreBe16(p + 2, 40);
  p[8] = 57;
  p[9] = 6;
  wire::StoreBe32(p + 12, target);
  wire::StoreBe32(p + 16, kSource);
  wire::StoreBe16(p + 20, sport);
  wire::StoreBe16(p + 22, dport);
  wire::StoreBe32(p + 24, 0x5eed0001);
  wire::StoreBe32(p + 28, ack);
  p[32] = 5 << 4;
  p[33] = rst ? 0x14 : 0x12;
}

struct Tally {
  uint64_t matched = 0;
  uint64_t unrelated = 0;
  uint64_t by_reason[8] = {};
};

TEST(ForgeryTest, RandomForgedTcpRepliesAreNeverAccepted) {
  const uint64_t trials = CUTPOINT_FORGERY_TRIALS;
  probe::ProbeCodec codec(Key());
  targets::TargetSet targets = testutil::V4Set({{kTargetNet, kTargetNet + 255}});
  MatcherConfig config = LocateDefaults(&targets);
  Matcher matcher(codec, config);
  Rng rng{1};
  alignas(8) uint8_t packet[40];
  ReplyRecord record;
  Tally tally;
  for (uint64_t i = 0; i < trials; ++i) {
    uint64_t r = rng.Next();
    uint32_t target = kTargetNet + static_cast<uint32_t>(r & 0xff);
    uint16_t sport = kPorts[(r >> 8) & 1];
    bool rst = ((r >> 9) & 1) != 0;
    uint16_t dport = static_cast<uint16_t>(r >> 16);
    uint32_t ack = static_cast<uint32_t>(r >> 32);
    WriteTcpReply(packet, target, sport, dport, ack, rst);
    // Received over a 10 s stretch of a run, so the forgeries meet every tick.
    int64_t recv_us = kStartUs + static_cast<int64_t>(i % 10'000'000);
    RejectReason reason = RejectReason::kNone;
    MatchOutcome outcome = matcher.MatchIp(packet, sizeof(packet), recv_us, &record, &reason);
    if (outcome == MatchOutcome::kMatched) ++tally.matched;
    if (outcome == MatchOutcome::kUnrelated) ++tally.unrelated;  // our port < 1024
    ++tally.by_reason[static_cast<int>(reason)];
  }
  double p = ForgedTcpAcceptance(config);
  std::printf("forged TCP replies: %llu, accepted %llu (expected %.3g at p = %.4g = 2^%.2f); "
              "unrelated %llu, bad_flow_field %llu, bad_mac %llu, out_of_plan %llu, stale %llu, "
              "future %llu\n",
              static_cast<unsigned long long>(trials),
              static_cast<unsigned long long>(tally.matched), p * static_cast<double>(trials), p,
              std::log2(p), static_cast<unsigned long long>(tally.unrelated),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kBadFlowField)]),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kBadMac)]),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kOutOfPlan)]),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kStale)]),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kFuture)]));
  RecordProperty("trials", static_cast<int>(trials / 1000000));
  EXPECT_LT(p, std::ldexp(1.0, -32));
  EXPECT_EQ(tally.matched, 0u);
  // Most die at the keyed port; ~1/64512 of them reach the MAC.
  EXPECT_GT(tally.by_reason[int(RejectReason::kBadFlowField)], trials * 97 / 100);
}

TEST(ForgeryTest, AForgerWhoKnowsThePortIsAcceptedAtTheFormulaRate) {
  // The port share of the formula taken away (as if the forger saw our SYN's source
  // port): what is left is 2^-12 (MAC) x 96/1024 (TTLs x attempts) x 490/1024 (ticks up
  // to 2 s old of the 1024 the tick field can hold) = 2^-16.5.
  const uint64_t trials = std::max<uint64_t>(CUTPOINT_FORGERY_TRIALS / 10, 2'000'000);
  probe::ProbeCodec codec(Key());
  targets::TargetSet targets = testutil::V4Set({{kTargetNet, kTargetNet + 255}});
  MatcherConfig config = LocateDefaults(&targets);
  Matcher matcher(codec, config);
  const double p_known_port = 1.0 / 4096 * (32.0 * 3 / 1024) *
                              (static_cast<double>(MaxAgeTicks(config) + 1) / 1024);
  EXPECT_NEAR(ForgedTcpAcceptance(config) / p_known_port, 66577.0 / 4294967296.0, 1e-12);
  // The flow blocks of every (target, port), as the forger would have observed them.
  uint16_t our_port[256][2];
  for (uint32_t t = 0; t < 256; ++t) {
    for (int k = 0; k < 2; ++k) {
      our_port[t][k] = codec.Flow(wire::IpAddress::V4(kTargetNet + t), probe::ProbeType::kTcpSyn, kPorts[k]).tcp_sport;
    }
  }
  Rng rng{2};
  alignas(8) uint8_t packet[40];
  ReplyRecord record;
  Tally tally;
  for (uint64_t i = 0; i < trials; ++i) {
    uint64_t r = rng.Next();
    uint32_t t = static_cast<uint32_t>(r & 0xff);
    int k = static_cast<int>((r >> 8) & 1);
    WriteTcpReply(packet, kTargetNet + t, kPorts[k], our_port[t][k], static_cast<uint32_t>(r >> 32),
                  ((r >> 9) & 1) != 0);
    int64_t recv_us = kStartUs + static_cast<int64_t>(i % 10'000'000) * 7;
    RejectReason reason = RejectReason::kNone;
    if (matcher.MatchIp(packet, sizeof(packet), recv_us, &record, &reason) ==
        MatchOutcome::kMatched) {
      ++tally.matched;
    }
    ++tally.by_reason[static_cast<int>(reason)];
  }
  double expected = p_known_port * static_cast<double>(trials);
  double sigma = std::sqrt(expected);
  std::printf("known-port forgeries: %llu, accepted %llu, formula expects %.1f (sd %.1f); "
              "bad_mac %llu, out_of_plan %llu, stale %llu, future %llu\n",
              static_cast<unsigned long long>(trials),
              static_cast<unsigned long long>(tally.matched), expected, sigma,
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kBadMac)]),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kOutOfPlan)]),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kStale)]),
              static_cast<unsigned long long>(tally.by_reason[int(RejectReason::kFuture)]));
  EXPECT_EQ(tally.by_reason[int(RejectReason::kBadFlowField)], 0u);
  EXPECT_GE(static_cast<double>(tally.matched), expected - 4 * sigma);
  EXPECT_LE(static_cast<double>(tally.matched), expected + 4 * sigma);
}

}  // namespace
}  // namespace cutpoint::match
