// SPDX-License-Identifier: Apache-2.0
// Probe crafting checked by an independent parser and serializer: libtins.
#include "engine/probe/probe_builder.h"

#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>

#include <array>
#include <cstdio>
#include <random>
#include <cstring>
#include <vector>

#include "engine/wire/checksum.h"
#include "engine/wire/ipv4_address.h"
#include "gtest/gtest.h"
#include "probe/probe_test_util.h"

namespace cutpoint::probe {
namespace {

using testing_probe::FixedKey;
using testing_probe::kSendUs;
using testing_probe::kSource;
using testing_probe::kTarget;
using testing_probe::Sources;
using testing_probe::V4;
using testutil::Bytes;
using testutil::BytesEqual;

ProbeSpec Spec(ProbeType type, uint16_t port, uint8_t ttl, uint8_t attempt) {
  ProbeSpec spec;
  spec.target = V4(kTarget);
  spec.type = type;
  spec.port = port;
  spec.ttl = ttl;
  spec.attempt = attempt;
  return spec;
}

class ProbeBuilderTest : public ::testing::Test {
 protected:
  ProbeCodec codec_{FixedKey()};
  ProbeBuilder builder_{codec_, Sources()};

  Bytes Build(const ProbeSpec& spec, int64_t send_us) {
    uint8_t buf[kMaxProbeLen + 8];
    std::memset(buf, 0xcc, sizeof(buf));
    size_t len = builder_.Build(spec, send_us, buf);
    // Nothing written past the packet.
    for (size_t i = len; i < sizeof(buf); ++i) EXPECT_EQ(buf[i], 0xcc) << i;
    return Bytes(buf, buf + len);
  }
};

std::string Addr(uint32_t a) { return wire::Ipv4ToString(a); }

TEST_F(ProbeBuilderTest, TcpSynParsedByLibtins) {
  const struct { uint16_t port; uint8_t ttl; uint8_t attempt; int64_t send_us; } cases[] = {
      {443, 7, 1, kSendUs}, {80, 1, 0, kSendUs + 1}, {22, 32, 3, kSendUs + 987654321},
      {65535, 255, 2, 5}, {1, 64, 0, 1700000000000000}};
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "port " << c.port << " ttl " << int{c.ttl});
    ProbeSpec spec = Spec(ProbeType::kTcpSyn, c.port, c.ttl, c.attempt);
    Bytes bytes = Build(spec, c.send_us);
    ASSERT_EQ(bytes.size(), kTcpSynProbeLen);

    Tins::IP ip(bytes.data(), static_cast<uint32_t>(bytes.size()));
    EXPECT_EQ(ip.version(), 4);
    EXPECT_EQ(ip.head_len(), 5);
    EXPECT_EQ(ip.tot_len(), kTcpSynProbeLen);
    EXPECT_EQ(ip.tos(), 0);
    EXPECT_EQ(ip.ttl(), c.ttl);
    EXPECT_EQ(ip.protocol(), 6);
    EXPECT_EQ(ip.fragment_offset(), 0);
    EXPECT_EQ(ip.src_addr().to_string(), Addr(kSource));
    EXPECT_EQ(ip.dst_addr().to_string(), Addr(kTarget));
    uint16_t expected_id = static_cast<uint16_t>(c.send_us & 0xffff);
    EXPECT_EQ(ip.id(), expected_id == 0 ? 1 : expected_id);
    EXPECT_EQ(ip.checksum(), testutil::Get16(&bytes[10]));
    EXPECT_EQ(wire::InternetChecksum(bytes.data(), 20), 0) << "IP header checksum";

    const Tins::TCP* tcp = ip.find_pdu<Tins::TCP>();
    ASSERT_NE(tcp, nullptr);
    EXPECT_EQ(tcp->sport(), codec_.Flow(V4(kTarget), ProbeType::kTcpSyn, c.port).tcp_sport);
    EXPECT_GE(tcp->sport(), kFlowPortMin);
    EXPECT_EQ(tcp->dport(), c.port);
    EXPECT_EQ(tcp->seq(), codec_.EncodeWord(spec, SendTick(c.send_us)));
    EXPECT_EQ(tcp->ack_seq(), 0u);
    EXPECT_EQ(tcp->flags(), Tins::TCP::SYN);
    EXPECT_EQ(tcp->window(), kSynWindow);
    EXPECT_EQ(tcp->data_offset(), 6);
    EXPECT_EQ(tcp->urg_ptr(), 0);
    EXPECT_EQ(tcp->mss(), kSynMss);
    EXPECT_EQ(tcp->options().size(), 1u);
    EXPECT_EQ(tcp->find_pdu<Tins::RawPDU>(), nullptr) << "no payload";
    std::optional<DecodedWord> decoded =
        codec_.DecodeWord(V4(kTarget), ProbeType::kTcpSyn, c.port, tcp->seq(), c.send_us + 1000);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->ttl, c.ttl);
    EXPECT_EQ(decoded->attempt, c.attempt);

    // libtins recomputes both checksums when serializing: equal bytes mean ours are valid.
    Tins::PDU::serialization_type reserialized = ip.serialize();
    EXPECT_TRUE(BytesEqual(bytes, Bytes(reserialized.begin(), reserialized.end())));

    // Byte-exact against a packet libtins builds from the expected field values.
    Tins::IP expected_ip(Addr(kTarget), Addr(kSource));
    expected_ip.id(expected_id == 0 ? 1 : expected_id);
    expected_ip.ttl(c.ttl);
    expected_ip.tos(0);
    expected_ip.flags(static_cast<Tins::IP::Flags>(0));
    Tins::TCP expected_tcp(c.port, codec_.Flow(V4(kTarget), ProbeType::kTcpSyn, c.port).tcp_sport);
    expected_tcp.seq(codec_.EncodeWord(spec, SendTick(c.send_us)));
    expected_tcp.flags(Tins::TCP::SYN);
    expected_tcp.window(kSynWindow);
    expected_tcp.mss(kSynMss);
    Tins::IP expected_packet = expected_ip / expected_tcp;
    Tins::PDU::serialization_type expected = expected_packet.serialize();
    EXPECT_TRUE(BytesEqual(bytes, Bytes(expected.begin(), expected.end())));
  }
}

TEST_F(ProbeBuilderTest, TcpIpIdIsNeverZero) {
  int64_t send_us = int64_t{65536} * 25939941;  // low 16 bits zero
  Bytes bytes = Build(Spec(ProbeType::kTcpSyn, 443, 3, 0), send_us);
  EXPECT_EQ(testutil::Get16(&bytes[4]), 1);
}

TEST_F(ProbeBuilderTest, IcmpEchoParsedByLibtins) {
  const struct { uint8_t ttl; uint8_t attempt; int64_t send_us; } cases[] = {
      {7, 1, kSendUs}, {1, 0, kSendUs + 1}, {32, 3, kSendUs + 987654321}, {255, 2, 5}};
  FlowFields flow = codec_.Flow(V4(kTarget), ProbeType::kIcmpEcho, 0);
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "ttl " << int{c.ttl} << " send " << c.send_us);
    // A port in the spec is ignored for ICMP.
    ProbeSpec spec = Spec(ProbeType::kIcmpEcho, 0, c.ttl, c.attempt);
    Bytes bytes = Build(spec, c.send_us);
    ASSERT_EQ(bytes.size(), kIcmpEchoProbeLen);
    uint32_t word = codec_.EncodeWord(spec, SendTick(c.send_us));
    ASSERT_NE(word & 0xffff, 0u) << "pick another send time for this case";

    Tins::IP ip(bytes.data(), static_cast<uint32_t>(bytes.size()));
    EXPECT_EQ(ip.version(), 4);
    EXPECT_EQ(ip.head_len(), 5);
    EXPECT_EQ(ip.tot_len(), kIcmpEchoProbeLen);
    EXPECT_EQ(ip.ttl(), c.ttl);
    EXPECT_EQ(ip.protocol(), 1);
    EXPECT_EQ(ip.src_addr().to_string(), Addr(kSource));
    EXPECT_EQ(ip.dst_addr().to_string(), Addr(kTarget));
    EXPECT_EQ(ip.id(), word & 0xffff);
    EXPECT_EQ(wire::InternetChecksum(bytes.data(), 20), 0);

    const Tins::ICMP* icmp = ip.find_pdu<Tins::ICMP>();
    ASSERT_NE(icmp, nullptr);
    EXPECT_EQ(icmp->type(), Tins::ICMP::ECHO_REQUEST);
    EXPECT_EQ(icmp->code(), 0);
    EXPECT_EQ(icmp->id(), flow.icmp_id);
    EXPECT_EQ(icmp->sequence(), word >> 16);
    EXPECT_EQ(icmp->checksum(), flow.icmp_checksum);
    EXPECT_EQ(wire::InternetChecksum(bytes.data() + 20, bytes.size() - 20), 0)
        << "ICMP checksum invalid";
    const Tins::RawPDU* raw = icmp->find_pdu<Tins::RawPDU>();
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(raw->payload().size(), 8u);
    const uint8_t* payload = raw->payload().data();
    EXPECT_EQ(testutil::Get32(payload), word);
    EXPECT_EQ(testutil::Get16(payload + 4), static_cast<uint16_t>(c.send_us & 0xffff));

    Tins::PDU::serialization_type reserialized = ip.serialize();
    EXPECT_TRUE(BytesEqual(bytes, Bytes(reserialized.begin(), reserialized.end())));

    Tins::IP expected_ip(Addr(kTarget), Addr(kSource));
    expected_ip.id(static_cast<uint16_t>(word));
    expected_ip.ttl(c.ttl);
    expected_ip.tos(0);
    expected_ip.flags(static_cast<Tins::IP::Flags>(0));
    Tins::ICMP expected_icmp(Tins::ICMP::ECHO_REQUEST);
    expected_icmp.id(flow.icmp_id);
    expected_icmp.sequence(static_cast<uint16_t>(word >> 16));
    Bytes expected_payload(payload, payload + 8);  // compensation word checked via checksum
    Tins::IP expected_packet = expected_ip / expected_icmp / Tins::RawPDU(expected_payload);
    Tins::PDU::serialization_type expected = expected_packet.serialize();
    EXPECT_TRUE(BytesEqual(bytes, Bytes(expected.begin(), expected.end())));
  }
}

TEST_F(ProbeBuilderTest, GoldenBytes) {
  // Fixed key, target, port and send time: the crafted bytes are reproducible. Expected
  // values from an independent computation (see probe_codec_test.cc).
  Bytes tcp = Build(Spec(ProbeType::kTcpSyn, 443, 7, 1), kSendUs);
  EXPECT_EQ(testutil::Get16(&tcp[20]), 62524);
  EXPECT_EQ(testutil::Get32(&tcp[24]), 0xa6222b23u);
  EXPECT_EQ(testutil::Get16(&tcp[4]), 0x2240);  // send_us & 0xffff
  Bytes icmp = Build(Spec(ProbeType::kIcmpEcho, 0, 7, 1), kSendUs);
  EXPECT_EQ(testutil::Get16(&icmp[22]), 0x383a);
  EXPECT_EQ(testutil::Get16(&icmp[24]), 0x6b82);
  EXPECT_EQ(testutil::Get16(&icmp[26]), 0x9090);
  EXPECT_EQ(testutil::Get16(&icmp[4]), 0xbd51);
}

TEST_F(ProbeBuilderTest, BuildBatchIsByteIdenticalToBuild) {
  // The senders' path (AES blocks of a burst computed together) against one at a time,
  // for bursts that cross the 32-probe stamping chunks.
  for (AesBackend backend : {AesBackend::kAuto, AesBackend::kOpenSsl}) {
    ProbeCodec codec(FixedKey(), backend);
    ProbeBuilder batch_builder(codec, Sources());
    for (size_t n : {size_t{1}, size_t{5}, size_t{32}, size_t{64}, size_t{77}}) {
      std::vector<ProbeSpec> specs(n);
      for (size_t i = 0; i < n; ++i) {
        bool tcp = i % 3 != 2;
        specs[i] = Spec(tcp ? ProbeType::kTcpSyn : ProbeType::kIcmpEcho,
                        tcp ? static_cast<uint16_t>(20 + i) : 0,
                        static_cast<uint8_t>(1 + i % 40), static_cast<uint8_t>(i % 4));
        specs[i].target = V4(kTarget + static_cast<uint32_t>(i / 2));
      }
      std::vector<std::array<uint8_t, kMaxProbeLen>> slots(n);
      std::vector<uint8_t*> outs(n);
      std::vector<uint16_t> lens(n);
      for (size_t i = 0; i < n; ++i) outs[i] = slots[i].data();
      int64_t send_us = kSendUs + static_cast<int64_t>(n);
      batch_builder.BuildBatch(specs, send_us, outs.data(), lens.data());
      for (size_t i = 0; i < n; ++i) {
        Bytes one = Build(specs[i], send_us);
        ASSERT_TRUE(BytesEqual(one, Bytes(slots[i].data(), slots[i].data() + lens[i])))
            << "backend " << static_cast<int>(backend) << " n " << n << " i " << i;
      }
    }
  }
}

TEST_F(ProbeBuilderTest, KernelsAreByteIdenticalToBuild) {
  // IPv4 SYNs and echoes take the AVX-512 kernels where the CPU has them (probe4_kernel.h):
  // random targets, ports, TTLs and attempts, runs of every length around their 8 lanes,
  // IPv6 probes between and among them, and send times whose low 16 bits are 0 (IP ID 1).
  std::mt19937_64 random(20261201);
  ProbeCodec codec(FixedKey());
  ProbeBuilder batch_builder(codec, Sources());
  // Two next hops, alternated: the builder keeps its kernels' frames of the last header.
  const wire::EthernetFraming framings[2] = {
      wire::EthernetFraming(wire::NextHopMacs{wire::MacAddress{2, 0, 0, 0, 0, 1},
                                              wire::MacAddress{2, 0, 0, 0, 0, 6}},
                            wire::MacAddress{2, 0, 0, 0, 0, 2}),
      wire::EthernetFraming(wire::NextHopMacs{wire::MacAddress{2, 0, 0, 0, 0, 9},
                                              wire::MacAddress{2, 0, 0, 0, 0, 6}},
                            wire::MacAddress{2, 0, 0, 0, 0, 2})};
  std::printf("IPv4 kernels: %s\n", Probe4KernelSupported() ? "AVX-512 (checked here)"
                                                              : "not on this CPU (scalar path)");
  for (int round = 0; round < 200; ++round) {
    const size_t n = 1 + random() % 100;
    std::vector<ProbeSpec> specs(n);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t draw = random();
      ProbeSpec& spec = specs[i];
      // Every 4th batch has a few echoes, every 3rd half echoes (trace's mix: the SYNs are
      // gathered for the kernel).
      const bool echo = (round % 4 == 0 && draw % 13 == 0) || (round % 3 == 1 && draw % 2 == 0);
      spec.type = echo ? ProbeType::kIcmpEcho : ProbeType::kTcpSyn;
      // An echo's port is ignored (its flow has port 0): random here too.
      spec.port = static_cast<uint16_t>(draw >> 16);
      spec.ttl = static_cast<uint8_t>(1 + (draw >> 32) % 255);
      spec.attempt = static_cast<uint8_t>((draw >> 40) % kMaxAttempts);
      spec.target = round % 5 == 0 && draw % 17 == 0
                        ? wire::IpAddress::V6(0x20010002ull << 32, draw)
                        : V4(static_cast<uint32_t>(draw >> 8));
    }
    int64_t send_us = kSendUs + static_cast<int64_t>(random() % 100000000);
    if (round % 7 == 0) send_us &= ~int64_t{0xffff};
    std::vector<std::array<uint8_t, kMaxProbeLen>> slots(n);
    std::vector<uint8_t*> outs(n);
    std::vector<uint16_t> lens(n);
    for (size_t i = 0; i < n; ++i) outs[i] = slots[i].data();
    batch_builder.BuildBatch(specs, send_us, outs.data(), lens.data());
    // The same into frames behind each family's Ethernet header (the DPDK sender's path).
    const wire::EthernetFraming& framing = framings[(round / 3) % 2];
    std::vector<std::array<uint8_t, wire::kEthernetHeaderLen + kMaxProbeLen>> frames(n);
    std::vector<uint8_t*> frame_outs(n);
    std::vector<uint16_t> frame_lens(n);
    for (size_t i = 0; i < n; ++i) frame_outs[i] = frames[i].data();
    unsigned families = 0;
    for (const ProbeSpec& spec : specs) families |= spec.target.is_v4() ? 1u : 2u;
    EXPECT_EQ(batch_builder.BuildFrames(specs, send_us, framing, frame_outs.data(),
                                        frame_lens.data()),
              families);
    for (size_t i = 0; i < n; ++i) {
      std::array<uint8_t, kMaxProbeLen> one{};
      const size_t len = batch_builder.Build(specs[i], send_us, one.data());
      ASSERT_EQ(lens[i], len) << "round " << round << " i " << i;
      ASSERT_TRUE(BytesEqual(Bytes(one.data(), one.data() + len),
                             Bytes(slots[i].data(), slots[i].data() + lens[i])))
          << "round " << round << " n " << n << " i " << i;
      const wire::EthernetHeader& header = framing.header(specs[i].target.is_v4() ? 0 : 1);
      Bytes frame(header.begin(), header.end());
      frame.insert(frame.end(), one.data(), one.data() + len);
      ASSERT_EQ(frame_lens[i], frame.size()) << "round " << round << " i " << i;
      ASSERT_TRUE(BytesEqual(frame, Bytes(frames[i].data(), frames[i].data() + frame_lens[i])))
          << "frame: round " << round << " n " << n << " i " << i;
    }
  }
}

TEST_F(ProbeBuilderTest, UseKernelsSwitchesThePathNotTheBytes) {
  // The session switches the kernels off for kernel-bound backends (session::ProbeKernels):
  // the scalar path then builds the same frames and packets as the kernels.
  ProbeCodec codec(FixedKey());
  ProbeBuilder vector_builder(codec, Sources());
  ProbeBuilder scalar_builder(codec, Sources());
  const bool available = vector_builder.uses_kernels();
  EXPECT_EQ(vector_builder.uses_kernels(), Probe4KernelSupported());
  scalar_builder.UseKernels(false);
  EXPECT_FALSE(scalar_builder.uses_kernels());
  scalar_builder.UseKernels(true);
  EXPECT_EQ(scalar_builder.uses_kernels(), available);
  scalar_builder.UseKernels(false);
  const wire::EthernetFraming framing(
      wire::NextHopMacs{wire::MacAddress{2, 0, 0, 0, 0, 1}, wire::MacAddress{2, 0, 0, 0, 0, 6}},
      wire::MacAddress{2, 0, 0, 0, 0, 2});
  std::mt19937_64 random(20261202);
  constexpr size_t kCount = 96;  // a whole kernel block and a partial one
  std::vector<ProbeSpec> specs(kCount);
  for (ProbeSpec& spec : specs) {
    const uint64_t draw = random();
    spec.type = draw % 5 == 0 ? ProbeType::kIcmpEcho : ProbeType::kTcpSyn;
    spec.port = static_cast<uint16_t>(draw >> 16);
    spec.ttl = static_cast<uint8_t>(1 + (draw >> 32) % 255);
    spec.attempt = static_cast<uint8_t>((draw >> 40) % kMaxAttempts);
    spec.target = draw % 31 == 0 ? wire::IpAddress::V6(0x20010002ull << 32, draw)
                                 : V4(static_cast<uint32_t>(draw >> 8));
  }
  using Frame = std::array<uint8_t, wire::kEthernetHeaderLen + kMaxProbeLen>;
  std::vector<Frame> vector_frames(kCount), scalar_frames(kCount);
  std::vector<uint8_t*> vector_outs(kCount), scalar_outs(kCount);
  std::vector<uint16_t> vector_lens(kCount), scalar_lens(kCount);
  for (size_t i = 0; i < kCount; ++i) {
    vector_outs[i] = vector_frames[i].data();
    scalar_outs[i] = scalar_frames[i].data();
  }
  for (bool framed : {false, true}) {
    if (framed) {
      vector_builder.BuildFrames(specs, kSendUs, framing, vector_outs.data(), vector_lens.data());
      scalar_builder.BuildFrames(specs, kSendUs, framing, scalar_outs.data(), scalar_lens.data());
    } else {
      vector_builder.BuildBatch(specs, kSendUs, vector_outs.data(), vector_lens.data());
      scalar_builder.BuildBatch(specs, kSendUs, scalar_outs.data(), scalar_lens.data());
    }
    for (size_t i = 0; i < kCount; ++i) {
      ASSERT_EQ(vector_lens[i], scalar_lens[i]) << "framed " << framed << " i " << i;
      ASSERT_TRUE(BytesEqual(Bytes(vector_outs[i], vector_outs[i] + vector_lens[i]),
                             Bytes(scalar_outs[i], scalar_outs[i] + scalar_lens[i])))
          << "framed " << framed << " i " << i;
    }
  }
}

TEST_F(ProbeBuilderTest, EchoKernelLeavesAZeroIpIdToTheScalarPath) {
  // A group of 8 echoes whose words have a zero low half (found by search, as below): the
  // kernel's frames would carry IP ID 0; BuildBatch must rebuild them as Build does.
  for (int ttl = 1; ttl <= 255; ++ttl) {
    ProbeSpec spec = Spec(ProbeType::kIcmpEcho, 0, static_cast<uint8_t>(ttl), 0);
    for (int64_t tick = SendTick(kSendUs); tick < SendTick(kSendUs) + 4096; ++tick) {
      if ((codec_.EncodeWord(spec, tick) & 0xffff) != 0) continue;
      const int64_t send_us = tick * kTickUs + 17;
      std::vector<ProbeSpec> specs(16, spec);
      for (size_t i = 8; i < 16; ++i) specs[i].ttl = static_cast<uint8_t>(ttl % 255 + 1);
      std::vector<std::array<uint8_t, kMaxProbeLen>> slots(specs.size());
      std::vector<uint8_t*> outs(specs.size());
      std::vector<uint16_t> lens(specs.size());
      for (size_t i = 0; i < specs.size(); ++i) outs[i] = slots[i].data();
      builder_.BuildBatch(specs, send_us, outs.data(), lens.data());
      for (size_t i = 0; i < specs.size(); ++i) {
        Bytes one = Build(specs[i], send_us);
        ASSERT_NE(testutil::Get16(&slots[i][4]), 0) << "i " << i;
        ASSERT_TRUE(BytesEqual(one, Bytes(slots[i].data(), slots[i].data() + lens[i])))
            << "i " << i;
      }
      return;
    }
  }
  FAIL() << "no word with a zero low half found";
}

TEST_F(ProbeBuilderTest, IcmpWordWithZeroLowHalfClaimsAnEarlierTick) {
  // Search for a (ttl, tick) whose word has a zero low half: the IP ID would be zero,
  // which Linux rewrites, so the builder must stamp an earlier tick (never a later one,
  // which the matcher would reject as from the future).
  for (int ttl = 1; ttl <= 255; ++ttl) {
    ProbeSpec spec = Spec(ProbeType::kIcmpEcho, 0, static_cast<uint8_t>(ttl), 0);
    for (int64_t tick = SendTick(kSendUs); tick < SendTick(kSendUs) + 4096; ++tick) {
      if ((codec_.EncodeWord(spec, tick) & 0xffff) != 0) continue;
      int64_t send_us = tick * kTickUs + 17;
      Bytes bytes = Build(spec, send_us);
      uint16_t ip_id = testutil::Get16(&bytes[4]);
      EXPECT_NE(ip_id, 0);
      uint32_t word = uint32_t{testutil::Get16(&bytes[26])} << 16 | ip_id;
      EXPECT_EQ(testutil::Get32(&bytes[28]), word);
      std::optional<DecodedWord> d =
          codec_.DecodeWord(V4(kTarget), ProbeType::kIcmpEcho, 0, word, send_us + 100);
      ASSERT_TRUE(d.has_value());
      EXPECT_EQ(d->ttl, ttl);
      EXPECT_LT(d->send_tick, tick);
      EXPECT_GE(d->send_tick, tick - 3);
      EXPECT_EQ(wire::InternetChecksum(bytes.data() + 20, 16), 0);
      return;
    }
  }
  GTEST_SKIP() << "no word with a zero low half for this key";
}

TEST_F(ProbeBuilderTest, SourcesPerFamily) {
  EXPECT_EQ(builder_.sources().v4, V4(kSource));
  EXPECT_EQ(builder_.sources().v6, testing_probe::kSource6);
  EXPECT_TRUE(builder_.HasSource(wire::IpFamily::kV4));
  EXPECT_TRUE(builder_.HasSource(wire::IpFamily::kV6));
  ProbeBuilder v4_only(codec_, ProbeSources{V4(kSource), std::nullopt});
  EXPECT_TRUE(v4_only.HasSource(wire::IpFamily::kV4));
  EXPECT_FALSE(v4_only.HasSource(wire::IpFamily::kV6));
  ProbeBuilder v6_only(codec_, ProbeSources{std::nullopt, testing_probe::kSource6});
  EXPECT_FALSE(v6_only.HasSource(wire::IpFamily::kV4));
  EXPECT_TRUE(v6_only.HasSource(wire::IpFamily::kV6));
  // An address in the other family's slot is no source.
  ProbeBuilder swapped(codec_, ProbeSources{testing_probe::kSource6, V4(kSource)});
  EXPECT_FALSE(swapped.HasSource(wire::IpFamily::kV4));
  EXPECT_FALSE(swapped.HasSource(wire::IpFamily::kV6));
}

TEST_F(ProbeBuilderTest, Ipv4BytesDoNotDependOnTheIpv6Source) {
  ProbeBuilder v4_only(codec_, ProbeSources{V4(kSource), std::nullopt});
  for (ProbeType type : {ProbeType::kTcpSyn, ProbeType::kIcmpEcho}) {
    ProbeSpec spec = Spec(type, type == ProbeType::kTcpSyn ? 443 : 0, 9, 2);
    uint8_t buf[kMaxProbeLen];
    size_t len = v4_only.Build(spec, kSendUs, buf);
    EXPECT_TRUE(BytesEqual(Build(spec, kSendUs), Bytes(buf, buf + len)));
  }
}

}  // namespace
}  // namespace cutpoint::probe
