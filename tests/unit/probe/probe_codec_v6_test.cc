// SPDX-License-Identifier: Apache-2.0
// The keyed identity of IPv6 flows: the two-block flow derivation, the flow label, round
// trips, and separation from IPv4 flows.
#include <bit>
#include <random>
#include <set>
#include <vector>

#include "engine/probe/probe_codec.h"
#include "gtest/gtest.h"
#include "probe/probe_test_util.h"

namespace cutpoint::probe {
namespace {

using testing_probe::FixedKey;
using testing_probe::kSendUs;
using testing_probe::kTarget;
using testing_probe::kTarget6;
using testing_probe::V4;
using wire::IpAddress;

const int64_t kSendTick = SendTick(kSendUs);

ProbeSpec Spec6(ProbeType type, uint16_t port, uint8_t ttl, uint8_t attempt,
                IpAddress target = kTarget6) {
  return ProbeSpec{target, type, port, ttl, attempt};
}

IpAddress RandomV6(std::mt19937_64& rng) {
  // 2001:2::/48 plus random low bits: never in ::ffff:0:0/96.
  return IpAddress::V6(0x2001000200000000 | (rng() & 0xffff), rng());
}

TEST(ProbeCodecV6Test, GoldenValuesFromIndependentImplementation) {
  // tests/unit/probe/golden_v3.py (the "v6" lines): target 2001:2:0:7::65, key 00 01 .. 0f.
  for (AesBackend backend : {AesBackend::kAuto, AesBackend::kOpenSsl}) {
    ProbeCodec codec(FixedKey(), backend);
    FlowBlock tcp = codec.FlowBlockOf(kTarget6, ProbeType::kTcpSyn, 443);
    EXPECT_EQ(tcp.fields.tcp_sport, 10340);
    EXPECT_EQ(tcp.pad, 0xe734ce87u);
    EXPECT_EQ(tcp.fields.flow_label, 0x39145u);
    FlowBlock icmp = codec.FlowBlockOf(kTarget6, ProbeType::kIcmpEcho, 0);
    EXPECT_EQ(icmp.fields.icmp_id, 0x3d34);
    EXPECT_EQ(icmp.fields.icmp_checksum, 0x60c8);
    EXPECT_EQ(icmp.pad, 0xe7f4dd00u);
    EXPECT_EQ(icmp.fields.flow_label, 0x6b8c9u);
    EXPECT_EQ(codec.EncodeWord(Spec6(ProbeType::kTcpSyn, 443, 7, 1), kSendTick), 0xe054e192u);
    EXPECT_EQ(codec.EncodeWord(Spec6(ProbeType::kIcmpEcho, 0, 7, 1), kSendTick), 0xe094f7c7u);
  }
}

TEST(ProbeCodecV6Test, InputsFollowTheDocumentedLayout) {
  IpAddress target = IpAddress::V6(0x0123456789abcdef, 0xfedcba9876543210);
  EXPECT_EQ(ProbeCodec::AddressInputV6(target), (Block128{0xfedcba9876543210, 0x0123456789abcdef}));
  Block128 a{0x1111111111111111, 0x2222222222222222};
  EXPECT_EQ(ProbeCodec::FlowInputV6(a, ProbeType::kIcmpEcho, 0x01bb),
            (Block128{0x1111111111111111 ^ (0x01bbu | 1u << 16 | uint64_t{6} << 56), a.hi}));
}

TEST(ProbeCodecV6Test, FlowLabelIsTwentyKeyedBitsNeverZero) {
  EXPECT_EQ(ProbeCodec::FlowFromF({0, uint64_t{0xabcde} << 32}).fields.flow_label, 0xabcdeu);
  // Only bits 52..32 of F.hi count; bits above them are dropped.
  EXPECT_EQ(ProbeCodec::FlowFromF({0, uint64_t{0xfff0abcde} << 32}).fields.flow_label, 0xabcdeu);
  // A zero label becomes 1 (0 means "unlabelled"); the pad is untouched by the label.
  FlowBlock zero = ProbeCodec::FlowFromF({0, uint64_t{0xfff00000} << 32 | 0x12345678});
  EXPECT_EQ(zero.fields.flow_label, 1u);
  EXPECT_EQ(zero.pad, 0x12345678u);
  EXPECT_EQ(ProbeCodec::FlowFromF({~uint64_t{0}, 0}).fields.flow_label, 1u);
}

TEST(ProbeCodecV6Test, RoundTripAllTtlsAttemptsAndAges) {
  ProbeCodec codec(FixedKey());
  const int64_t age_us_samples[] = {0, 1, 4095, 4096, 30000, 1000000, 4000000};
  const IpAddress targets[] = {kTarget6, IpAddress::V6(0x2001000200000000, 1),
                               IpAddress::V6(0xffffffffffffffff, 0xffffffffffffffff)};
  struct Flow {
    ProbeType type;
    uint16_t port;
  };
  const Flow flows[] = {{ProbeType::kTcpSyn, 443},
                        {ProbeType::kTcpSyn, 1},
                        {ProbeType::kTcpSyn, 65535},
                        {ProbeType::kIcmpEcho, 0}};
  for (const IpAddress& target : targets) {
    for (const Flow& f : flows) {
      FlowBlock block = codec.FlowBlockOf(target, f.type, f.port);
      for (int ttl = 1; ttl <= 255; ++ttl) {
        for (uint8_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
          for (int64_t age_us : age_us_samples) {
            int64_t send_us = kSendUs + ttl * 977;
            ProbeSpec spec = Spec6(f.type, f.port, static_cast<uint8_t>(ttl), attempt, target);
            uint32_t word = codec.EncodeWord(spec, SendTick(send_us));
            std::optional<DecodedWord> d = codec.DecodeWord(block, word, send_us + age_us);
            ASSERT_TRUE(d.has_value()) << "ttl " << ttl << " attempt " << int{attempt};
            ASSERT_EQ(d->ttl, ttl);
            ASSERT_EQ(d->attempt, attempt);
            ASSERT_EQ(d->send_tick, SendTick(send_us));
          }
        }
      }
    }
  }
}

// Words of `from` flows checked against `to` flows: a 12-bit MAC lets ~1/4096 through.
int CrossFamilyPasses(const ProbeCodec& codec, bool from_v4, int words) {
  std::mt19937_64 rng(from_v4 ? 21 : 22);
  int passes = 0;
  for (int i = 0; i < words; ++i) {
    uint32_t v4 = static_cast<uint32_t>(rng());
    // The IPv6 flow carries the same 32 bits (NAT64 64:ff9b::/96 and 2001:2::/96).
    IpAddress v6 = IpAddress::V6(i % 2 == 0 ? 0x0064ff9b00000000 : 0x2001000200000000, v4);
    ProbeSpec spec{from_v4 ? V4(v4) : v6, ProbeType::kTcpSyn, 443,
                   static_cast<uint8_t>(1 + rng() % 255), static_cast<uint8_t>(rng() % 4)};
    int64_t tick = kSendTick + static_cast<int64_t>(rng() % 100000);
    uint32_t word = codec.EncodeWord(spec, tick);
    int64_t recv = tick * kTickUs + 5000;
    EXPECT_TRUE(codec.DecodeWord(spec.target, spec.type, spec.port, word, recv).has_value());
    IpAddress other = from_v4 ? v6 : V4(v4);
    passes += codec.DecodeWord(other, spec.type, spec.port, word, recv).has_value();
  }
  return passes;
}

TEST(ProbeCodecV6Test, WordsDoNotVerifyAcrossFamilies) {
  ProbeCodec codec(FixedKey());
  EXPECT_LE(CrossFamilyPasses(codec, /*from_v4=*/true, 20000), 15);  // ~5 expected
  EXPECT_LE(CrossFamilyPasses(codec, /*from_v4=*/false, 20000), 15);
}

TEST(ProbeCodecV6Test, WrongKeyTargetPortOrTypeFails) {
  ProbeCodec codec(FixedKey());
  ProbeCodec other(FixedKey(1));
  std::mt19937_64 rng(23);
  int wrong_key = 0, low_bit = 0, high_bit = 0, wrong_port = 0, wrong_type = 0;
  const int kWords = 20000;
  for (int i = 0; i < kWords; ++i) {
    IpAddress target = RandomV6(rng);
    ProbeSpec spec = Spec6(ProbeType::kTcpSyn, 443, static_cast<uint8_t>(1 + rng() % 255),
                           static_cast<uint8_t>(rng() % 4), target);
    int64_t tick = kSendTick + static_cast<int64_t>(rng() % 100000);
    int64_t recv = tick * kTickUs + 5000;
    uint32_t word = codec.EncodeWord(spec, tick);
    ASSERT_TRUE(codec.DecodeWord(target, ProbeType::kTcpSyn, 443, word, recv).has_value());
    auto passes = [&](const ProbeCodec& c, IpAddress t, ProbeType type, uint16_t port) {
      return c.DecodeWord(t, type, port, word, recv).has_value() ? 1 : 0;
    };
    IpAddress low = IpAddress::V6(target.high(), target.low() ^ 1);
    IpAddress high = IpAddress::V6(target.high() ^ (uint64_t{1} << 63), target.low());
    wrong_key += passes(other, target, ProbeType::kTcpSyn, 443);
    low_bit += passes(codec, low, ProbeType::kTcpSyn, 443);
    high_bit += passes(codec, high, ProbeType::kTcpSyn, 443);
    wrong_port += passes(codec, target, ProbeType::kTcpSyn, 444);
    wrong_type += passes(codec, target, ProbeType::kIcmpEcho, 443);
  }
  EXPECT_LE(wrong_key, 15);
  EXPECT_LE(low_bit, 15);
  EXPECT_LE(high_bit, 15);
  EXPECT_LE(wrong_port, 15);
  EXPECT_LE(wrong_type, 15);
}

std::vector<ProbeSpec> MixedSpecs(std::mt19937_64& rng, size_t n, int v6_percent) {
  std::vector<ProbeSpec> specs(n);
  for (ProbeSpec& spec : specs) {
    bool tcp = rng() % 2 == 0;
    bool v6 = static_cast<int>(rng() % 100) < v6_percent;
    IpAddress target = v6 ? RandomV6(rng) : V4(static_cast<uint32_t>(rng()));
    // ICMP specs with a stray port: StampBatch stamps them with port 0.
    spec = Spec6(tcp ? ProbeType::kTcpSyn : ProbeType::kIcmpEcho, static_cast<uint16_t>(rng()),
                 static_cast<uint8_t>(1 + rng() % 255), static_cast<uint8_t>(rng() % 4), target);
  }
  return specs;
}

TEST(ProbeCodecV6Test, StampBatchOfMixedFamiliesEqualsSingleEncoding) {
  std::mt19937_64 rng(24);
  for (AesBackend backend : {AesBackend::kAuto, AesBackend::kOpenSsl}) {
    ProbeCodec codec(FixedKey(), backend);
    for (int v6_percent : {0, 10, 50, 90, 100}) {
      for (size_t n :
           {size_t{1}, size_t{3}, size_t{8}, size_t{31}, size_t{32}, size_t{33}, size_t{70}}) {
        std::vector<ProbeSpec> specs = MixedSpecs(rng, n, v6_percent);
        std::vector<ProbeStamp> stamps(n);
        codec.StampBatch(specs, kSendTick, stamps.data());
        for (size_t i = 0; i < n; ++i) {
          SCOPED_TRACE(testing::Message() << v6_percent << "% v6, n " << n << " i " << i);
          ProbeSpec single = specs[i];
          if (single.type == ProbeType::kIcmpEcho) single.port = 0;
          FlowFields flow = codec.Flow(single.target, single.type, single.port);
          ASSERT_EQ(stamps[i].flow.tcp_sport, flow.tcp_sport);
          ASSERT_EQ(stamps[i].flow.icmp_id, flow.icmp_id);
          ASSERT_EQ(stamps[i].flow.icmp_checksum, flow.icmp_checksum);
          ASSERT_EQ(stamps[i].flow.flow_label, flow.flow_label);
          ASSERT_EQ(stamps[i].word, codec.EncodeWord(single, kSendTick));
        }
      }
    }
  }
}

TEST(ProbeCodecV6Test, FlowLabelsSpreadOverTwentyBits) {
  ProbeCodec codec(FixedKey());
  std::mt19937_64 rng(25);
  std::set<uint32_t> labels;
  int bit_counts[20] = {};
  const int kFlows = 4000;
  for (int i = 0; i < kFlows; ++i) {
    // Half new targets, half new ports of the previous target.
    IpAddress target = i % 2 == 0 ? RandomV6(rng) : kTarget6;
    uint16_t port = static_cast<uint16_t>(i % 2 == 0 ? 443 : i);
    uint32_t label = codec.Flow(target, ProbeType::kTcpSyn, port).flow_label;
    ASSERT_NE(label, 0u);
    ASSERT_LE(label, kFlowLabelMask);
    labels.insert(label);
    for (int bit = 0; bit < 20; ++bit) bit_counts[bit] += (label >> bit) & 1;
  }
  // 4000 labels of 2^20: ~7.6 colliding pairs expected.
  EXPECT_GE(labels.size(), 3970u);
  for (int bit = 0; bit < 20; ++bit) {
    EXPECT_GT(bit_counts[bit], kFlows * 45 / 100) << "bit " << bit;
    EXPECT_LT(bit_counts[bit], kFlows * 55 / 100) << "bit " << bit;
  }
  // The ICMP flow and the TCP flows of one target have their own labels.
  std::set<uint32_t> one_target;
  for (uint16_t port : {22, 25, 80, 443, 8080, 8443, 53, 123}) {
    one_target.insert(codec.Flow(kTarget6, ProbeType::kTcpSyn, port).flow_label);
  }
  one_target.insert(codec.Flow(kTarget6, ProbeType::kIcmpEcho, 0).flow_label);
  EXPECT_EQ(one_target.size(), 9u);
}

TEST(ProbeCodecV6Test, Ipv4FlowsAreUnchangedAndHaveALabelToo) {
  // IPv4 flows keep their one-block derivation (the golden values in probe_codec_test.cc)
  // and get a label by the same formula, unused on the wire.
  ProbeCodec codec(FixedKey());
  FlowBlock v4 = codec.FlowBlockOf(V4(kTarget), ProbeType::kTcpSyn, 443);
  EXPECT_EQ(v4.fields.tcp_sport, 62524);
  EXPECT_NE(v4.fields.flow_label, 0u);
  EXPECT_EQ(v4.fields.flow_label,
            std::max<uint32_t>(1, static_cast<uint32_t>(v4.f.hi >> 32) & kFlowLabelMask));
}

}  // namespace
}  // namespace cutpoint::probe
