// SPDX-License-Identifier: Apache-2.0
// IPv6 probe crafting checked by an independent parser and serializer: libtins.
#include <tins/icmpv6.h>
#include <tins/ipv6.h>
#include <tins/ipv6_address.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>

#include <array>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/probe/probe_builder.h"
#include "gtest/gtest.h"
#include "probe/probe_test_util.h"

namespace cutpoint::probe {
namespace {

using testing_probe::FixedKey;
using testing_probe::Ipv6MessageChecksum;
using testing_probe::kSendUs;
using testing_probe::kSource;
using testing_probe::kSource6;
using testing_probe::kTarget;
using testing_probe::kTarget6;
using testing_probe::Sources;
using testing_probe::V4;
using testutil::Bytes;
using testutil::BytesEqual;
using testutil::Get16;
using testutil::Get32;
using wire::IpAddress;

// Targets with their text, which libtins parses on its own.
struct Target {
  IpAddress address;
  const char* text;
};
const Target kTargets[] = {
    {kTarget6, "2001:2:0:7::65"},
    {IpAddress::V6(0x2001000200000000, 1), "2001:2::1"},
    {IpAddress::V6(0x2a0102c8ffff0000, 0xfedcba9876543210), "2a01:2c8:ffff:0:fedc:ba98:7654:3210"},
    {IpAddress::V6(0xffffffffffffffff, 0xffffffffffffffff),
     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
};
constexpr char kSourceText[] = "2001:db8::1";

struct Case {
  uint16_t port;
  uint8_t ttl;
  uint8_t attempt;
  int64_t send_us;
};
const Case kCases[] = {{443, 7, 1, kSendUs},
                       {80, 1, 0, kSendUs + 1},
                       {22, 32, 3, kSendUs + 987654321},
                       {65535, 255, 2, 5},
                       {1, 64, 0, int64_t{1} << 32}};  // TSval 0

class ProbeBuilderV6Test : public ::testing::Test {
 protected:
  ProbeCodec codec_{FixedKey()};
  ProbeBuilder builder_{codec_, Sources()};

  Bytes Build(const ProbeSpec& spec, int64_t send_us) { return BuildWith(builder_, spec, send_us); }
  static Bytes BuildWith(const ProbeBuilder& builder, const ProbeSpec& spec, int64_t send_us) {
    uint8_t buf[kMaxProbeLen + 8];
    std::memset(buf, 0xcc, sizeof(buf));
    size_t len = builder.Build(spec, send_us, buf);
    EXPECT_LE(len, kMaxProbeLen);
    // Nothing written past the packet.
    for (size_t i = len; i < sizeof(buf); ++i) EXPECT_EQ(buf[i], 0xcc) << i;
    return Bytes(buf, buf + len);
  }
};

// The IPv6 header as libtins reads it.
void ExpectIpv6Header(const Tins::IPv6& ip, uint32_t flow_label, uint16_t payload_len,
                      uint8_t next_header, uint8_t hop_limit, const char* target) {
  EXPECT_EQ(ip.version(), 6);
  EXPECT_EQ(ip.traffic_class(), 0);
  EXPECT_EQ(ip.flow_label(), flow_label);
  EXPECT_NE(ip.flow_label(), 0u);
  EXPECT_EQ(ip.payload_length(), payload_len);
  EXPECT_EQ(ip.next_header(), next_header);
  EXPECT_EQ(ip.hop_limit(), hop_limit);
  EXPECT_EQ(ip.src_addr(), Tins::IPv6Address(kSourceText));
  EXPECT_EQ(ip.dst_addr(), Tins::IPv6Address(target));
  EXPECT_TRUE(ip.headers().empty()) << "no extension headers";
  EXPECT_EQ(ip.header_size(), 40u);
}

// The TCP SYN as libtins reads it: every field and option.
void ExpectSyn(const Tins::TCP& tcp, const FlowFields& flow, uint16_t port, uint32_t word,
               uint32_t tsval) {
  EXPECT_EQ(tcp.sport(), flow.tcp_sport);
  EXPECT_GE(tcp.sport(), kFlowPortMin);
  EXPECT_EQ(tcp.dport(), port);
  EXPECT_EQ(tcp.seq(), word);
  EXPECT_EQ(tcp.ack_seq(), 0u);
  EXPECT_EQ(tcp.flags(), Tins::TCP::SYN);
  EXPECT_EQ(tcp.window(), 65535);
  EXPECT_EQ(tcp.data_offset(), 9);
  EXPECT_EQ(tcp.urg_ptr(), 0);
  EXPECT_EQ(tcp.mss(), 1440);
  EXPECT_EQ(tcp.timestamp(), std::make_pair(tsval, uint32_t{0}));
  ASSERT_EQ(tcp.options().size(), 4u);
  EXPECT_EQ(tcp.options()[0].option(), Tins::TCP::MSS);
  EXPECT_EQ(tcp.options()[1].option(), Tins::TCP::NOP);
  EXPECT_EQ(tcp.options()[2].option(), Tins::TCP::NOP);
  EXPECT_EQ(tcp.options()[3].option(), Tins::TCP::TSOPT);
  EXPECT_EQ(tcp.find_pdu<Tins::RawPDU>(), nullptr) << "no payload";
}

// The SYN libtins builds from the expected field values.
Bytes LibtinsSyn(const char* target, const FlowFields& flow, uint8_t ttl, uint16_t port,
                 uint32_t word, uint32_t tsval) {
  Tins::IPv6 ip{Tins::IPv6Address(target), Tins::IPv6Address(kSourceText)};
  ip.traffic_class(0);
  ip.flow_label(flow.flow_label);
  ip.hop_limit(ttl);
  Tins::TCP tcp(port, flow.tcp_sport);
  tcp.seq(word);
  tcp.flags(Tins::TCP::SYN);
  tcp.window(65535);
  tcp.mss(1440);
  tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
  tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
  tcp.timestamp(tsval, 0);
  Tins::IPv6 packet = ip / tcp;
  Tins::PDU::serialization_type bytes = packet.serialize();
  return Bytes(bytes.begin(), bytes.end());
}

TEST_F(ProbeBuilderV6Test, TcpSynParsedByLibtins) {
  for (const Target& target : kTargets) {
    for (const Case& c : kCases) {
      SCOPED_TRACE(testing::Message() << target.text << " port " << c.port << " ttl " << int{c.ttl}
                                      << " send " << c.send_us);
      ProbeSpec spec{target.address, ProbeType::kTcpSyn, c.port, c.ttl, c.attempt};
      Bytes bytes = Build(spec, c.send_us);
      ASSERT_EQ(bytes.size(), 76u);
      FlowFields flow = codec_.Flow(target.address, ProbeType::kTcpSyn, c.port);
      uint32_t word = codec_.EncodeWord(spec, SendTick(c.send_us));
      uint32_t tsval = static_cast<uint32_t>(c.send_us & 0xffffffff);

      Tins::IPv6 ip(bytes.data(), static_cast<uint32_t>(bytes.size()));
      ExpectIpv6Header(ip, flow.flow_label, 36, 6, c.ttl, target.text);
      const Tins::TCP* tcp = ip.find_pdu<Tins::TCP>();
      ASSERT_NE(tcp, nullptr);
      ExpectSyn(*tcp, flow, c.port, word, tsval);
      EXPECT_EQ(Ipv6MessageChecksum(bytes.data(), bytes.size()), 0) << "TCP checksum";
      std::optional<DecodedWord> decoded = codec_.DecodeWord(target.address, ProbeType::kTcpSyn,
                                                             c.port, tcp->seq(), c.send_us + 1000);
      ASSERT_TRUE(decoded.has_value());
      EXPECT_EQ(decoded->ttl, c.ttl);
      EXPECT_EQ(decoded->attempt, c.attempt);

      // libtins recomputes the checksum (over its own pseudo-header) when serializing:
      // equal bytes mean ours is valid.
      Tins::PDU::serialization_type reserialized = ip.serialize();
      EXPECT_TRUE(BytesEqual(bytes, Bytes(reserialized.begin(), reserialized.end())));
      EXPECT_TRUE(BytesEqual(bytes, LibtinsSyn(target.text, flow, c.ttl, c.port, word, tsval)));
    }
  }
}

// The ICMPv6 echo request libtins builds from the expected field values.
Bytes LibtinsEcho(const char* target, const FlowFields& flow, uint8_t ttl, uint32_t word,
                  const Bytes& payload) {
  Tins::IPv6 ip{Tins::IPv6Address(target), Tins::IPv6Address(kSourceText)};
  ip.flow_label(flow.flow_label);
  ip.hop_limit(ttl);
  Tins::ICMPv6 icmp(Tins::ICMPv6::ECHO_REQUEST);
  icmp.identifier(flow.icmp_id);
  icmp.sequence(static_cast<uint16_t>(word >> 16));
  Tins::IPv6 packet = ip / icmp / Tins::RawPDU(payload);
  Tins::PDU::serialization_type bytes = packet.serialize();
  return Bytes(bytes.begin(), bytes.end());
}

TEST_F(ProbeBuilderV6Test, IcmpEchoParsedByLibtins) {
  for (const Target& target : kTargets) {
    FlowFields flow = codec_.Flow(target.address, ProbeType::kIcmpEcho, 0);
    for (const Case& c : kCases) {
      SCOPED_TRACE(testing::Message() << target.text << " ttl " << int{c.ttl});
      ProbeSpec spec{target.address, ProbeType::kIcmpEcho, 0, c.ttl, c.attempt};
      Bytes bytes = Build(spec, c.send_us);
      ASSERT_EQ(bytes.size(), 56u);
      uint32_t word = codec_.EncodeWord(spec, SendTick(c.send_us));

      Tins::IPv6 ip(bytes.data(), static_cast<uint32_t>(bytes.size()));
      ExpectIpv6Header(ip, flow.flow_label, 16, 58, c.ttl, target.text);
      const Tins::ICMPv6* icmp = ip.find_pdu<Tins::ICMPv6>();
      ASSERT_NE(icmp, nullptr);
      EXPECT_EQ(icmp->type(), Tins::ICMPv6::ECHO_REQUEST);
      EXPECT_EQ(icmp->code(), 0);
      EXPECT_EQ(icmp->checksum(), flow.icmp_checksum);
      EXPECT_EQ(icmp->identifier(), flow.icmp_id);
      EXPECT_EQ(icmp->sequence(), word >> 16);
      EXPECT_EQ(Ipv6MessageChecksum(bytes.data(), bytes.size()), 0) << "ICMPv6 checksum";
      const Tins::RawPDU* raw = icmp->find_pdu<Tins::RawPDU>();
      ASSERT_NE(raw, nullptr);
      ASSERT_EQ(raw->payload().size(), 8u);
      const uint8_t* payload = raw->payload().data();
      EXPECT_EQ(Get32(payload), word);
      EXPECT_EQ(Get16(payload + 4), static_cast<uint16_t>(c.send_us & 0xffff));

      Tins::PDU::serialization_type reserialized = ip.serialize();
      EXPECT_TRUE(BytesEqual(bytes, Bytes(reserialized.begin(), reserialized.end())));
      // The compensation word (payload bytes 6-7) is checked by the checksum above.
      Bytes expected_payload(payload, payload + 8);
      EXPECT_TRUE(BytesEqual(bytes, LibtinsEcho(target.text, flow, c.ttl, word, expected_payload)));
    }
  }
}

TEST_F(ProbeBuilderV6Test, GoldenBytes) {
  // tests/unit/probe/golden_v3.py ("v6 syn", "v6 echo"): the probe bytes computed from
  // probe_codec.h and probe_layout.h by an independent implementation.
  Bytes syn = Build({kTarget6, ProbeType::kTcpSyn, 443, 7, 1}, kSendUs);
  EXPECT_EQ(testutil::Hex(syn),
            "600391450024060720010db800000000000000000000000120010002000000070000000000000065"
            "286401bbe054e192000000009002ffffea930000020405a00101080a1820224000000000");
  Bytes echo = Build({kTarget6, ProbeType::kIcmpEcho, 0, 7, 1}, kSendUs);
  EXPECT_EQ(testutil::Hex(echo),
            "6006b8c900103a0720010db800000000000000000000000120010002000000070000000000000065"
            "800060c83d34e094e094f7c72240b85d");
}

TEST_F(ProbeBuilderV6Test, LengthsAndOffsetsMatchTheLayout) {
  EXPECT_EQ(kMaxProbeLen, 76u);
  EXPECT_EQ(ProbeLen(ProbeType::kTcpSyn, wire::IpFamily::kV6), 76u);
  EXPECT_EQ(ProbeLen(ProbeType::kIcmpEcho, wire::IpFamily::kV6), 56u);
  EXPECT_EQ(ProbeLen(ProbeType::kTcpSyn, wire::IpFamily::kV4), 44u);
  EXPECT_EQ(ProbeLen(ProbeType::kIcmpEcho, wire::IpFamily::kV4), 36u);
  Bytes syn = Build({kTarget6, ProbeType::kTcpSyn, 25, 9, 0}, kSendUs + 77);
  FlowFields flow = codec_.Flow(kTarget6, ProbeType::kTcpSyn, 25);
  EXPECT_EQ(Ipv6FlowLabel(syn.data()), flow.flow_label);
  EXPECT_EQ(syn[kIpv6HopLimitAt], 9);
  EXPECT_EQ(syn[kIpv6NextHeaderAt], kNextHeaderTcp);
  const uint8_t* tcp = syn.data() + kIpv6HeaderLen;
  EXPECT_EQ(Get32(tcp + kTcpSeqAt),
            codec_.EncodeWord({kTarget6, ProbeType::kTcpSyn, 25, 9, 0}, SendTick(kSendUs + 77)));
  EXPECT_EQ(Get32(tcp + kSynV6TsvalAt), SynTsval(kSendUs + 77));
  EXPECT_EQ(Get32(tcp + kSynV6TsecrAt), 0u);
  EXPECT_EQ(SendUsLow16FromTsval(Get32(tcp + kSynV6TsvalAt)), (kSendUs + 77) & 0xffff);
  Bytes echo = Build({kTarget6, ProbeType::kIcmpEcho, 0, 9, 0}, kSendUs + 77);
  const uint8_t* icmp = echo.data() + kIpv6HeaderLen;
  EXPECT_EQ(echo[kIpv6NextHeaderAt], kNextHeaderIcmpv6);
  EXPECT_EQ(icmp[0], kIcmpv6EchoRequest);
  EXPECT_EQ(Get16(icmp + kEchoSeqAt), Get32(icmp + kEchoWordAt) >> 16);
  EXPECT_EQ(Get16(icmp + kEchoSendUsLow16At), (kSendUs + 77) & 0xffff);
}

std::vector<ProbeSpec> MixedBurst(size_t n, std::mt19937_64& rng) {
  std::vector<ProbeSpec> specs(n);
  for (size_t i = 0; i < n; ++i) {
    bool tcp = i % 3 != 2;
    bool v6 = rng() % 2 == 0;
    IpAddress target =
        v6 ? IpAddress::V6(0x2001000200000000, rng()) : V4(kTarget + static_cast<uint32_t>(i / 2));
    specs[i] = {target, tcp ? ProbeType::kTcpSyn : ProbeType::kIcmpEcho,
                static_cast<uint16_t>(tcp ? 20 + i : 0), static_cast<uint8_t>(1 + i % 40),
                static_cast<uint8_t>(i % 4)};
  }
  return specs;
}

TEST_F(ProbeBuilderV6Test, BuildBatchOfMixedFamiliesIsByteIdenticalToBuild) {
  std::mt19937_64 rng(31);
  for (AesBackend backend : {AesBackend::kAuto, AesBackend::kOpenSsl}) {
    ProbeCodec codec(FixedKey(), backend);
    ProbeBuilder batch_builder(codec, Sources());
    for (size_t n : {size_t{1}, size_t{5}, size_t{32}, size_t{33}, size_t{64}, size_t{77}}) {
      std::vector<ProbeSpec> specs = MixedBurst(n, rng);
      std::vector<std::array<uint8_t, kMaxProbeLen>> slots(n);
      std::vector<uint8_t*> outs(n);
      std::vector<uint16_t> lens(n);
      for (size_t i = 0; i < n; ++i) outs[i] = slots[i].data();
      int64_t send_us = kSendUs + static_cast<int64_t>(n);
      batch_builder.BuildBatch(specs, send_us, outs.data(), lens.data());
      for (size_t i = 0; i < n; ++i) {
        Bytes one = Build(specs[i], send_us);
        ASSERT_EQ(lens[i], ProbeLen(specs[i].type, specs[i].target.family()));
        ASSERT_TRUE(BytesEqual(one, Bytes(slots[i].data(), slots[i].data() + lens[i])))
            << "backend " << static_cast<int>(backend) << " n " << n << " i " << i;
      }
    }
  }
}

TEST_F(ProbeBuilderV6Test, IcmpWordWithZeroLowHalfIsSentAsIs) {
  // No IP ID in IPv6: unlike IPv4, a word with a zero low half keeps its own tick.
  for (int ttl = 1; ttl <= 64; ++ttl) {
    ProbeSpec spec{kTarget6, ProbeType::kIcmpEcho, 0, static_cast<uint8_t>(ttl), 0};
    for (int64_t tick = SendTick(kSendUs); tick < SendTick(kSendUs) + 4096; ++tick) {
      uint32_t word = codec_.EncodeWord(spec, tick);
      if ((word & 0xffff) != 0) continue;
      Bytes bytes = Build(spec, tick * kTickUs + 17);
      EXPECT_EQ(Get32(&bytes[kIpv6HeaderLen + kEchoWordAt]), word);
      EXPECT_EQ(Ipv6MessageChecksum(bytes.data(), bytes.size()), 0);
      return;
    }
  }
  GTEST_SKIP() << "no word with a zero low half for this key";
}

TEST_F(ProbeBuilderV6Test, FamilyWithoutASourceGetsTheUnspecifiedAddress) {
  // A programming error the caller prevents (HasSource); the bytes stay well-defined.
  ProbeBuilder v4_only(codec_, ProbeSources{V4(kSource), std::nullopt});
  ASSERT_FALSE(v4_only.HasSource(wire::IpFamily::kV6));
  Bytes syn = BuildWith(v4_only, {kTarget6, ProbeType::kTcpSyn, 443, 7, 1}, kSendUs);
  ASSERT_EQ(syn.size(), 76u);
  EXPECT_EQ(Tins::IPv6(syn.data(), 76).src_addr(), Tins::IPv6Address("::"));
  ProbeBuilder v6_only(codec_, ProbeSources{std::nullopt, kSource6});
  Bytes echo = BuildWith(v6_only, {V4(kTarget), ProbeType::kIcmpEcho, 0, 7, 1}, kSendUs);
  ASSERT_EQ(echo.size(), 36u);
  EXPECT_EQ(Get32(&echo[12]), 0u);
}

}  // namespace
}  // namespace cutpoint::probe
