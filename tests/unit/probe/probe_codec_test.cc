#include "engine/probe/probe_codec.h"

#include <random>
#include <set>

#include "gtest/gtest.h"
#include "probe/probe_test_util.h"

namespace cutpoint::probe {
namespace {

using testing_probe::FixedKey;
using testing_probe::kSendUs;
using testing_probe::kTarget;

ProbeSpec Spec(ProbeType type, uint16_t port, uint8_t ttl, uint8_t attempt,
               uint32_t target = kTarget) {
  ProbeSpec spec;
  spec.target = target;
  spec.type = type;
  spec.port = port;
  spec.ttl = ttl;
  spec.attempt = attempt;
  return spec;
}

TEST(ProbeCodecTest, GoldenValuesFromIndependentImplementation) {
  // Computed independently in Python from the documented format (probe_codec.h), key
  // 00 01 .. 0f:
  //   d = hashlib.blake2b(b"cutpoint probe subkeys v2", key=key, digest_size=48).digest()
  //   s = [int.from_bytes(d[8*i:8*i+8], "little") for i in range(6)]
  //   mum = lambda a, b: ((a*b) & M) ^ ((a*b) >> 64)      # M = 2**64 - 1
  //   base = mum((target | port << 32 | type << 48) ^ s[0], s[1])
  //   flow = mum(base ^ s[2], s[3]); mac = mum(base ^ fields ^ s[4], s[5]) & 0x3ff
  ProbeCodec codec(FixedKey());
  EXPECT_EQ(SendTicks(kSendUs), 2056);
  EXPECT_EQ(codec.Flow(kTarget, ProbeType::kTcpSyn, 443).tcp_sport, 0xdb21);
  FlowFields icmp = codec.Flow(kTarget, ProbeType::kIcmpEcho, 0);
  EXPECT_EQ(icmp.icmp_id, 0xbcf9);
  EXPECT_EQ(icmp.icmp_checksum, 0x1a2f);
  EXPECT_EQ(codec.EncodeWord(Spec(ProbeType::kTcpSyn, 443, 7, 1), 2056), 0x07602341u);
  EXPECT_EQ(codec.EncodeWord(Spec(ProbeType::kIcmpEcho, 0, 7, 1), 2056), 0x076020adu);
}

TEST(ProbeCodecTest, WordLayout) {
  ProbeCodec codec(FixedKey());
  uint32_t word = codec.EncodeWord(Spec(ProbeType::kTcpSyn, 80, 200, 3), 0xabc);
  EXPECT_EQ(word >> 24, 200u);
  EXPECT_EQ((word >> 22) & 3, 3u);
  EXPECT_EQ((word >> 10) & 0xfff, 0xabcu);
  // Ticks beyond 12 bits are reduced modulo 4096.
  EXPECT_EQ(codec.EncodeWord(Spec(ProbeType::kTcpSyn, 80, 9, 0), 0x1abc),
            codec.EncodeWord(Spec(ProbeType::kTcpSyn, 80, 9, 0), 0x0abc));
}

TEST(ProbeCodecTest, SendTicks) {
  EXPECT_EQ(SendTicks(0), 0);
  EXPECT_EQ(SendTicks(1023), 0);
  EXPECT_EQ(SendTicks(1024), 1);
  EXPECT_EQ(SendTicks(4095 * 1024 + 1023), 4095);
  EXPECT_EQ(SendTicks(4096 * 1024), 0);
  EXPECT_EQ(SendTicks(int64_t{4096} * 1024 * 1000 + 5 * 1024), 5);
}

TEST(ProbeCodecTest, RoundTripAllTtlsAttemptsAndTicks) {
  ProbeCodec codec(FixedKey());
  const uint16_t ticks_samples[] = {0, 1, 2, 1023, 2048, 2056, 4094, 4095};
  struct Flow { ProbeType type; uint16_t port; };
  const Flow flows[] = {{ProbeType::kTcpSyn, 443}, {ProbeType::kTcpSyn, 1},
                        {ProbeType::kTcpSyn, 65535}, {ProbeType::kIcmpEcho, 0}};
  for (const Flow& f : flows) {
    for (int ttl = 1; ttl <= 255; ++ttl) {
      for (uint8_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
        for (uint16_t ticks : ticks_samples) {
          ProbeSpec spec = Spec(f.type, f.port, static_cast<uint8_t>(ttl), attempt);
          uint32_t word = codec.EncodeWord(spec, ticks);
          std::optional<DecodedWord> d = codec.DecodeWord(kTarget, f.type, f.port, word);
          ASSERT_TRUE(d.has_value()) << "ttl " << ttl << " attempt " << int{attempt};
          ASSERT_EQ(d->ttl, ttl);
          ASSERT_EQ(d->attempt, attempt);
          ASSERT_EQ(d->ticks, ticks);
        }
      }
    }
  }
}

TEST(ProbeCodecTest, TtlZeroNeverDecodes) {
  ProbeCodec codec(FixedKey());
  for (uint16_t ticks = 0; ticks < 4096; ticks += 7) {
    uint32_t word = codec.EncodeWord(Spec(ProbeType::kTcpSyn, 443, 0, 0), ticks);
    EXPECT_FALSE(codec.DecodeWord(kTarget, ProbeType::kTcpSyn, 443, word).has_value());
  }
}

TEST(ProbeCodecTest, WrongKeyOrWrongFlowFails) {
  ProbeCodec codec(FixedKey());
  ProbeCodec other(FixedKey(1));
  std::mt19937 rng(7);
  int wrong_key = 0, wrong_target = 0, wrong_port = 0, wrong_type = 0;
  const int kWords = 3000;
  for (int i = 0; i < kWords; ++i) {
    ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, static_cast<uint8_t>(1 + rng() % 255),
                          static_cast<uint8_t>(rng() % 4));
    uint32_t word = codec.EncodeWord(spec, static_cast<uint16_t>(rng() & 0xfff));
    ASSERT_TRUE(codec.DecodeWord(kTarget, ProbeType::kTcpSyn, 443, word).has_value());
    wrong_key += other.DecodeWord(kTarget, ProbeType::kTcpSyn, 443, word).has_value();
    wrong_target += codec.DecodeWord(kTarget + 1, ProbeType::kTcpSyn, 443, word).has_value();
    wrong_port += codec.DecodeWord(kTarget, ProbeType::kTcpSyn, 444, word).has_value();
    wrong_type += codec.DecodeWord(kTarget, ProbeType::kIcmpEcho, 443, word).has_value();
  }
  // A 10-bit MAC lets ~1/1024 through by chance: ~3 of 3000 expected.
  EXPECT_LE(wrong_key, 12);
  EXPECT_LE(wrong_target, 12);
  EXPECT_LE(wrong_port, 12);
  EXPECT_LE(wrong_type, 12);
}

TEST(ProbeCodecTest, SingleBitFlips) {
  ProbeCodec codec(FixedKey());
  std::mt19937 rng(11);
  int non_mac_passes_total = 0;
  const int kWords = 400;
  for (int i = 0; i < kWords; ++i) {
    ProbeSpec spec = Spec(ProbeType::kIcmpEcho, 0, static_cast<uint8_t>(1 + rng() % 255),
                          static_cast<uint8_t>(rng() % 4));
    uint32_t word = codec.EncodeWord(spec, static_cast<uint16_t>(rng() & 0xfff));
    int non_mac_passes = 0;
    for (int bit = 0; bit < 32; ++bit) {
      bool passes =
          codec.DecodeWord(kTarget, ProbeType::kIcmpEcho, 0, word ^ (1u << bit)).has_value();
      if (bit < 10) {
        ASSERT_FALSE(passes) << "MAC bit " << bit << " of word " << std::hex << word;
      } else {
        non_mac_passes += passes;
      }
    }
    EXPECT_LE(non_mac_passes, 2) << "word " << std::hex << word;
    non_mac_passes_total += non_mac_passes;
  }
  // 400 words x 22 flips / 1024 ~ 8.6 expected.
  EXPECT_LE(non_mac_passes_total, 30);
}

TEST(ProbeCodecTest, FlowFieldsDependOnlyOnFlow) {
  ProbeCodec codec(FixedKey());
  FlowFields a = codec.Flow(kTarget, ProbeType::kTcpSyn, 443);
  FlowFields b = codec.Flow(kTarget, ProbeType::kTcpSyn, 443);
  EXPECT_EQ(a.tcp_sport, b.tcp_sport);
  EXPECT_EQ(a.icmp_id, b.icmp_id);
  EXPECT_EQ(a.icmp_checksum, b.icmp_checksum);
  EXPECT_GE(a.tcp_sport, kFlowPortBase);
  ProbeCodec other(FixedKey(3));
  EXPECT_NE(other.Flow(kTarget, ProbeType::kTcpSyn, 443).tcp_sport, a.tcp_sport);
}

TEST(RecoverSendTimeTest, ExactWithLow16) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 5000; ++i) {
    int64_t send = 1600000000000000 + static_cast<int64_t>(rng() % 100000000000);
    int64_t rtt = static_cast<int64_t>(rng() % 4000000);  // < 4.19 s tick wrap
    RecoveredSendTime r =
        RecoverSendTime(send + rtt, SendTicks(send), static_cast<uint16_t>(send & 0xffff));
    ASSERT_TRUE(r.exact) << send << " " << rtt;
    ASSERT_EQ(r.send_us, send) << rtt;
  }
}

TEST(RecoverSendTimeTest, FallsBackToTickStart) {
  std::mt19937_64 rng(100);
  for (int i = 0; i < 5000; ++i) {
    int64_t send = 1600000000000000 + static_cast<int64_t>(rng() % 100000000000);
    int64_t rtt = static_cast<int64_t>(rng() % 4000000);
    RecoveredSendTime r = RecoverSendTime(send + rtt, SendTicks(send), std::nullopt);
    ASSERT_FALSE(r.exact);
    ASSERT_EQ(r.send_us, send / kTickUs * kTickUs);
    ASSERT_LE(r.send_us, send);
    ASSERT_GT(r.send_us, send - kTickUs);
  }
}

TEST(RecoverSendTimeTest, TickWraparound) {
  // Sent in the last tick of a 4096-tick cycle, received in the next cycle.
  const int64_t cycle = int64_t{4096} * kTickUs;
  const int64_t send = 400000 * cycle + 4095 * kTickUs + 300;
  const int64_t recv = send + 2500;
  ASSERT_EQ(SendTicks(send), 4095);
  ASSERT_LT(SendTicks(recv), 5);
  RecoveredSendTime exact = RecoverSendTime(recv, 4095, static_cast<uint16_t>(send & 0xffff));
  EXPECT_TRUE(exact.exact);
  EXPECT_EQ(exact.send_us, send);
  RecoveredSendTime coarse = RecoverSendTime(recv, 4095, std::nullopt);
  EXPECT_FALSE(coarse.exact);
  EXPECT_EQ(coarse.send_us, send - 300);
  // Received in the very first tick of the next cycle.
  const int64_t recv0 = 400001 * cycle + 10;
  RecoveredSendTime r0 = RecoverSendTime(recv0, 4095, std::nullopt);
  EXPECT_EQ(r0.send_us, 400000 * cycle + 4095 * kTickUs);
}

TEST(RecoverSendTimeTest, InconsistentLow16FallsBack) {
  const int64_t send = 1700000000123456;
  const int64_t tick_start = send / kTickUs * kTickUs;
  // Low bits that point outside the send tick.
  RecoveredSendTime r =
      RecoverSendTime(send + 50000, SendTicks(send), static_cast<uint16_t>((send + 5000) & 0xffff));
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.send_us, tick_start);
  // Low bits inside the tick but after the receive time.
  RecoveredSendTime later = RecoverSendTime(tick_start + 200, SendTicks(send),
                                            static_cast<uint16_t>((tick_start + 500) & 0xffff));
  EXPECT_FALSE(later.exact);
  EXPECT_EQ(later.send_us, tick_start);
}

TEST(ProbeTypeTest, NamesRoundTrip) {
  EXPECT_EQ(ProbeTypeName(ProbeType::kTcpSyn), "tcp-syn");
  EXPECT_EQ(ProbeTypeName(ProbeType::kIcmpEcho), "icmp-echo");
  EXPECT_EQ(ParseProbeType("tcp-syn"), ProbeType::kTcpSyn);
  EXPECT_EQ(ParseProbeType("icmp-echo"), ProbeType::kIcmpEcho);
  EXPECT_FALSE(ParseProbeType("udp").has_value());
  EXPECT_FALSE(ParseProbeType("").has_value());
  EXPECT_FALSE(ParseProbeType("TCP-SYN").has_value());
}

}  // namespace
}  // namespace cutpoint::probe
