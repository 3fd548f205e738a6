// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/probe_codec.h"

#include <openssl/evp.h>

#include <cstdio>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "probe/probe_test_util.h"

namespace cutpoint::probe {
namespace {

using testing_probe::FixedKey;
using testing_probe::kSendUs;
using testing_probe::kTarget;
using testing_probe::V4;

ProbeSpec Spec(ProbeType type, uint16_t port, uint8_t ttl, uint8_t attempt,
               uint32_t target = kTarget) {
  ProbeSpec spec;
  spec.target = V4(target);
  spec.type = type;
  spec.port = port;
  spec.ttl = ttl;
  spec.attempt = attempt;
  return spec;
}

const int64_t kSendTick = SendTick(kSendUs);
// Received 30 ms after the send.
const int64_t kRecvUs = kSendUs + 30000;

// OpenSSL's EVP interface: the oracle for our AES (AES-NI intrinsics or the low-level
// OpenSSL block function).
Block128 EvpAes128(const uint8_t key[16], Block128 in) {
  uint8_t bytes[16], out[32];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<uint8_t>(in.lo >> (8 * i));
    bytes[8 + i] = static_cast<uint8_t>(in.hi >> (8 * i));
  }
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, key, nullptr), 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, out, &len, bytes, 16), 1);
  EXPECT_EQ(len, 16);
  EVP_CIPHER_CTX_free(ctx);
  Block128 result{};
  for (int i = 7; i >= 0; --i) {
    result.lo = (result.lo << 8) | out[i];
    result.hi = (result.hi << 8) | out[8 + i];
  }
  return result;
}

TEST(Aes128Test, Fips197Vector) {
  // FIPS-197 appendix C.1: key 00..0f, plaintext 00112233..ff.
  uint8_t key[16];
  for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(i);
  Block128 plain{0x7766554433221100, 0xffeeddccbbaa9988};
  Block128 expected{0x30047b6ad8e0c469, 0x5ac5b47080b7cdd8};
  for (AesBackend backend :
       {AesBackend::kAuto, AesBackend::kAesNi, AesBackend::kOpenSsl, AesBackend::kAesNi128}) {
    Aes128 aes(key, backend);
    EXPECT_EQ(aes.Encrypt(plain), expected) << static_cast<int>(backend);
    // The same block 20 times: batches take the wide paths (VAES when the CPU has it).
    std::vector<Block128> batch(20, plain);
    aes.Encrypt(batch.data(), batch.data(), batch.size());
    for (const Block128& b : batch) EXPECT_EQ(b, expected) << static_cast<int>(backend);
  }
}

TEST(Aes128Test, EveryBackendMatchesEvpOnRandomBlocks) {
  // Without AES-NI both codecs take the OpenSSL path; the comparison with EVP still holds.
  if (!CpuHasAesNi()) std::printf("note: no AES-NI on this CPU, only the OpenSSL path runs\n");
  if (!Aes128(FixedKey().bytes.data()).uses_vaes()) {
    std::printf("note: no VAES on this CPU, its path does not run\n");
  }
  std::mt19937_64 rng(2026);
  for (int k = 0; k < 20; ++k) {
    uint8_t key[16];
    for (uint8_t& b : key) b = static_cast<uint8_t>(rng());
    Aes128 aesni(key, AesBackend::kAesNi);
    Aes128 aesni128(key, AesBackend::kAesNi128);
    Aes128 openssl(key, AesBackend::kOpenSsl);
    EXPECT_EQ(aesni.uses_aesni(), CpuHasAesNi());
    EXPECT_EQ(aesni128.uses_aesni(), CpuHasAesNi());
    EXPECT_FALSE(aesni128.uses_vaes());
    EXPECT_FALSE(openssl.uses_aesni());
    EXPECT_FALSE(openssl.uses_vaes());
    // Batches of every size up to 40 cover the VAES 16- and 4-wide paths with their tails
    // and the AES-NI 8-, 4- and 1-wide paths.
    for (size_t n = 1; n <= 40; ++n) {
      std::vector<Block128> in(n), fast(n), narrow(n), slow(n);
      for (Block128& b : in) b = {rng(), rng()};
      aesni.Encrypt(in.data(), fast.data(), n);
      aesni128.Encrypt(in.data(), narrow.data(), n);
      openssl.Encrypt(in.data(), slow.data(), n);
      for (size_t i = 0; i < n; ++i) {
        Block128 oracle = EvpAes128(key, in[i]);
        ASSERT_EQ(fast[i], oracle) << "key " << k << " n " << n << " i " << i;
        ASSERT_EQ(narrow[i], oracle) << "key " << k << " n " << n << " i " << i;
        ASSERT_EQ(slow[i], oracle) << "key " << k << " n " << n << " i " << i;
      }
      // In place.
      aesni.Encrypt(in.data(), in.data(), n);
      ASSERT_EQ(in, fast);
    }
  }
}

TEST(ProbeCodecTest, GoldenValuesFromIndependentImplementation) {
  // tests/unit/probe/golden_v3.py: the documented format (probe_codec.h) in Python's
  // hashlib and the `openssl enc -aes-128-ecb` CLI, key 00 01 .. 0f.
  EXPECT_EQ(kSendTick, 415039062530);
  EXPECT_EQ(kSendTick & kTickMask, 514);
  for (AesBackend backend : {AesBackend::kAuto, AesBackend::kOpenSsl}) {
    ProbeCodec codec(FixedKey(), backend);
    FlowBlock tcp = codec.FlowBlockOf(V4(kTarget), ProbeType::kTcpSyn, 443);
    EXPECT_EQ(tcp.fields.tcp_sport, 62524);
    EXPECT_EQ(tcp.pad, 0xa1420523u);
    FlowBlock icmp = codec.FlowBlockOf(V4(kTarget), ProbeType::kIcmpEcho, 0);
    EXPECT_EQ(icmp.fields.icmp_id, 0x6b82);
    EXPECT_EQ(icmp.fields.icmp_checksum, 0x383a);
    EXPECT_EQ(icmp.pad, 0x97f09544u);
    EXPECT_EQ(codec.EncodeWord(Spec(ProbeType::kTcpSyn, 443, 7, 1), kSendTick), 0xa6222b23u);
    EXPECT_EQ(codec.EncodeWord(Spec(ProbeType::kIcmpEcho, 0, 7, 1), kSendTick), 0x9090bd51u);
    // The full tick is in the MAC: 1024 ticks earlier, same low bits, other MAC.
    EXPECT_EQ(codec.EncodeWord(Spec(ProbeType::kTcpSyn, 443, 7, 1), kSendTick - 1024),
              0xa62227a2u);
  }
}

TEST(ProbeCodecTest, WordLayoutUnderThePad) {
  ProbeCodec codec(FixedKey());
  FlowBlock flow = codec.FlowBlockOf(V4(kTarget), ProbeType::kTcpSyn, 80);
  int64_t tick = (int64_t{1} << 38) + 0x2bc;
  uint32_t fields = codec.EncodeWord(flow, 200, 3, tick) ^ flow.pad;
  EXPECT_EQ(fields >> 24, 200u);
  EXPECT_EQ((fields >> 22) & 3, 3u);
  EXPECT_EQ((fields >> 12) & 0x3ff, 0x2bcu);
  // The pad differs per flow, so the same fields look different on every flow.
  FlowBlock other = codec.FlowBlockOf(V4(kTarget), ProbeType::kTcpSyn, 81);
  EXPECT_NE(flow.pad, other.pad);
}

TEST(ProbeCodecTest, SendTickAndReconstruction) {
  EXPECT_EQ(SendTick(0), 0);
  EXPECT_EQ(SendTick(4095), 0);
  EXPECT_EQ(SendTick(4096), 1);
  EXPECT_EQ(SendTick(-1), -1);
  const int64_t tick = kSendTick;
  const uint16_t low = static_cast<uint16_t>(tick & kTickMask);
  // From the same tick up to kMaxAgeTicks later: the exact tick.
  for (int64_t age : {int64_t{0}, int64_t{1}, int64_t{500}, kMaxAgeTicks}) {
    EXPECT_EQ(ReconstructSendTick((tick + age) * kTickUs + 17, low), tick) << age;
  }
  // Up to kFutureTicks before the send tick: still that tick (the caller rejects it).
  EXPECT_EQ(ReconstructSendTick((tick - kFutureTicks) * kTickUs, low), tick);
  // Older than the window: a tick 1024 later, which the MAC does not accept.
  EXPECT_EQ(ReconstructSendTick((tick + kMaxAgeTicks + 1) * kTickUs, low), tick + 1024);
}

TEST(ProbeCodecTest, RoundTripAllTtlsAttemptsAndAges) {
  ProbeCodec codec(FixedKey());
  const int64_t age_us_samples[] = {0, 1, 4095, 4096, 30000, 1000000, 4000000};
  struct Flow { ProbeType type; uint16_t port; };
  const Flow flows[] = {{ProbeType::kTcpSyn, 443}, {ProbeType::kTcpSyn, 1},
                        {ProbeType::kTcpSyn, 65535}, {ProbeType::kIcmpEcho, 0}};
  for (const Flow& f : flows) {
    FlowBlock block = codec.FlowBlockOf(V4(kTarget), f.type, f.port);
    for (int ttl = 1; ttl <= 255; ++ttl) {
      for (uint8_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
        for (int64_t age_us : age_us_samples) {
          int64_t send_us = kSendUs + ttl * 977;
          ProbeSpec spec = Spec(f.type, f.port, static_cast<uint8_t>(ttl), attempt);
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

TEST(ProbeCodecTest, StampBatchEqualsSingleEncoding) {
  std::mt19937 rng(5);
  for (AesBackend backend : {AesBackend::kAuto, AesBackend::kOpenSsl}) {
    ProbeCodec codec(FixedKey(), backend);
    for (size_t n : {size_t{1}, size_t{3}, size_t{8}, size_t{31}, size_t{32}, size_t{33},
                     size_t{70}}) {
      std::vector<ProbeSpec> specs(n);
      for (ProbeSpec& spec : specs) {
        bool tcp = rng() % 2 == 0;
        spec = Spec(tcp ? ProbeType::kTcpSyn : ProbeType::kIcmpEcho,
                    tcp ? static_cast<uint16_t>(rng()) : 0, static_cast<uint8_t>(1 + rng() % 255),
                    static_cast<uint8_t>(rng() % 4), static_cast<uint32_t>(rng()));
      }
      std::vector<ProbeStamp> stamps(n);
      codec.StampBatch(specs, kSendTick, stamps.data());
      for (size_t i = 0; i < n; ++i) {
        FlowFields flow = codec.Flow(specs[i].target, specs[i].type, specs[i].port);
        ASSERT_EQ(stamps[i].flow.tcp_sport, flow.tcp_sport);
        ASSERT_EQ(stamps[i].flow.icmp_id, flow.icmp_id);
        ASSERT_EQ(stamps[i].flow.icmp_checksum, flow.icmp_checksum);
        ASSERT_EQ(stamps[i].word, codec.EncodeWord(specs[i], kSendTick)) << n << " " << i;
      }
    }
  }
}

TEST(ProbeCodecTest, TtlZeroNeverDecodes) {
  ProbeCodec codec(FixedKey());
  for (int64_t tick = kSendTick; tick < kSendTick + 1024; tick += 7) {
    uint32_t word = codec.EncodeWord(Spec(ProbeType::kTcpSyn, 443, 0, 0), tick);
    EXPECT_FALSE(
        codec.DecodeWord(V4(kTarget), ProbeType::kTcpSyn, 443, word, tick * kTickUs).has_value());
  }
}

TEST(ProbeCodecTest, WrongKeyOrWrongFlowFails) {
  ProbeCodec codec(FixedKey());
  ProbeCodec other(FixedKey(1));
  std::mt19937 rng(7);
  int wrong_key = 0, wrong_target = 0, wrong_port = 0, wrong_type = 0;
  const int kWords = 20000;
  for (int i = 0; i < kWords; ++i) {
    ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, static_cast<uint8_t>(1 + rng() % 255),
                          static_cast<uint8_t>(rng() % 4));
    int64_t tick = kSendTick + static_cast<int64_t>(rng() % 100000);
    int64_t recv = tick * kTickUs + 5000;
    uint32_t word = codec.EncodeWord(spec, tick);
    ASSERT_TRUE(codec.DecodeWord(V4(kTarget), ProbeType::kTcpSyn, 443, word, recv).has_value());
    wrong_key += other.DecodeWord(V4(kTarget), ProbeType::kTcpSyn, 443, word, recv).has_value();
    wrong_target +=
        codec.DecodeWord(V4(kTarget + 1), ProbeType::kTcpSyn, 443, word, recv).has_value();
    wrong_port += codec.DecodeWord(V4(kTarget), ProbeType::kTcpSyn, 444, word, recv).has_value();
    wrong_type += codec.DecodeWord(V4(kTarget), ProbeType::kIcmpEcho, 443, word, recv).has_value();
  }
  // A 12-bit MAC (and TTL != 0 under the pad) lets ~1/4096 through: ~5 of 20000.
  EXPECT_LE(wrong_key, 15);
  EXPECT_LE(wrong_target, 15);
  EXPECT_LE(wrong_port, 15);
  EXPECT_LE(wrong_type, 15);
}

TEST(ProbeCodecTest, ReplayFromAnotherRunFailsTheMac) {
  // The same key, the same probe, replayed 1024 ticks (4.19 s) or more later: the low
  // tick bits agree, the reconstructed absolute tick does not.
  ProbeCodec codec(FixedKey());
  std::mt19937 rng(8);
  int accepted = 0;
  const int kWords = 20000;
  for (int i = 0; i < kWords; ++i) {
    ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, static_cast<uint8_t>(1 + rng() % 32), 0);
    int64_t tick = kSendTick + static_cast<int64_t>(rng() % 100000);
    uint32_t word = codec.EncodeWord(spec, tick);
    int64_t later_runs = 1 + static_cast<int64_t>(rng() % 1000);
    int64_t recv = (tick + 1024 * later_runs) * kTickUs + 3000;
    accepted += codec.DecodeWord(V4(kTarget), ProbeType::kTcpSyn, 443, word, recv).has_value();
  }
  EXPECT_LE(accepted, 15);  // ~5 expected by chance (2^-12)
}

TEST(ProbeCodecTest, SingleBitFlips) {
  ProbeCodec codec(FixedKey());
  std::mt19937 rng(11);
  int non_mac_passes_total = 0;
  const int kWords = 2000;
  for (int i = 0; i < kWords; ++i) {
    ProbeSpec spec = Spec(ProbeType::kIcmpEcho, 0, static_cast<uint8_t>(1 + rng() % 255),
                          static_cast<uint8_t>(rng() % 4));
    uint32_t word = codec.EncodeWord(spec, kSendTick);
    for (int bit = 0; bit < 32; ++bit) {
      bool passes =
          codec.DecodeWord(V4(kTarget), ProbeType::kIcmpEcho, 0, word ^ (1u << bit), kRecvUs)
              .has_value();
      if (bit < static_cast<int>(kMacBits)) {
        ASSERT_FALSE(passes) << "MAC bit " << bit << " of word " << std::hex << word;
      } else {
        non_mac_passes_total += passes;
      }
    }
  }
  // 2000 words x 20 flips / 4096 ~ 9.8 expected.
  EXPECT_LE(non_mac_passes_total, 30);
}

TEST(ProbeCodecTest, FlowFieldsDependOnlyOnFlow) {
  ProbeCodec codec(FixedKey());
  FlowFields a = codec.Flow(V4(kTarget), ProbeType::kTcpSyn, 443);
  FlowFields b = codec.Flow(V4(kTarget), ProbeType::kTcpSyn, 443);
  EXPECT_EQ(a.tcp_sport, b.tcp_sport);
  EXPECT_EQ(a.icmp_id, b.icmp_id);
  EXPECT_EQ(a.icmp_checksum, b.icmp_checksum);
  ProbeCodec other(FixedKey(3));
  EXPECT_NE(other.Flow(V4(kTarget), ProbeType::kTcpSyn, 443).tcp_sport, a.tcp_sport);
}

TEST(ProbeCodecTest, SourcePortsSpreadOverTheKeyedRange) {
  ProbeCodec codec(FixedKey());
  uint16_t lowest = 65535, highest = 0;
  std::set<uint16_t> seen;
  for (uint32_t i = 0; i < 20000; ++i) {
    uint16_t port = codec.Flow(V4(kTarget + i), ProbeType::kTcpSyn, 443).tcp_sport;
    lowest = std::min(lowest, port);
    highest = std::max(highest, port);
    seen.insert(port);
  }
  EXPECT_GE(lowest, kFlowPortMin);
  EXPECT_LT(lowest, kFlowPortMin + 100);
  EXPECT_GT(highest, 65535 - 100);
  EXPECT_GT(seen.size(), 16000u);  // ~17.3k distinct expected of 64512
}

TEST(RecoverSendTimeTest, ExactWithLow16) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 5000; ++i) {
    int64_t send = 1600000000000000 + static_cast<int64_t>(rng() % 100000000000);
    int64_t rtt = static_cast<int64_t>(rng() % 4000000);
    RecoveredSendTime r =
        RecoverSendTime(send + rtt, SendTick(send), static_cast<uint16_t>(send & 0xffff));
    ASSERT_TRUE(r.exact) << send << " " << rtt;
    ASSERT_EQ(r.send_us, send) << rtt;
  }
}

TEST(RecoverSendTimeTest, FallsBackToTickStart) {
  std::mt19937_64 rng(100);
  for (int i = 0; i < 5000; ++i) {
    int64_t send = 1600000000000000 + static_cast<int64_t>(rng() % 100000000000);
    int64_t rtt = static_cast<int64_t>(rng() % 4000000);
    RecoveredSendTime r = RecoverSendTime(send + rtt, SendTick(send), std::nullopt);
    ASSERT_FALSE(r.exact);
    ASSERT_EQ(r.send_us, send / kTickUs * kTickUs);
    ASSERT_LE(r.send_us, send);
    ASSERT_GT(r.send_us, send - kTickUs);
  }
}

TEST(RecoverSendTimeTest, InconsistentLow16FallsBack) {
  const int64_t send = 1700000000123456;
  const int64_t tick_start = send / kTickUs * kTickUs;
  // Low bits that point outside the send tick.
  RecoveredSendTime r =
      RecoverSendTime(send + 50000, SendTick(send), static_cast<uint16_t>((send + 5000) & 0xffff));
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.send_us, tick_start);
  // Low bits inside the tick but after the receive time.
  RecoveredSendTime later = RecoverSendTime(tick_start + 200, SendTick(send),
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
