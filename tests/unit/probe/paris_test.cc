// SPDX-License-Identifier: Apache-2.0
// Paris-traceroute flow constancy: the header fields per-flow load balancers hash must be
// identical for every TTL, attempt and send time of one flow.
#include <random>
#include <set>

#include "engine/probe/probe_builder.h"
#include "engine/wire/checksum.h"
#include "gtest/gtest.h"
#include "probe/probe_test_util.h"

namespace cutpoint::probe {
namespace {

using testing_probe::FixedKey;
using testing_probe::Ipv6MessageChecksum;
using testing_probe::kSendUs;
using testing_probe::kSource;
using testing_probe::kTarget;
using testing_probe::kTarget6;
using testing_probe::Sources;
using testing_probe::V4;
using testutil::Bytes;
using testutil::Get16;
using testutil::Get32;

const int64_t kSendTimes[] = {kSendUs, kSendUs + 1, kSendUs + 1023, kSendUs + 777777,
                              kSendUs + 5000000, 65536, 1};

Bytes BuildProbe(const ProbeBuilder& builder, uint32_t target, ProbeType type, uint16_t port,
                 int ttl, int attempt, int64_t send_us) {
  ProbeSpec spec;
  spec.target = V4(target);
  spec.type = type;
  spec.port = port;
  spec.ttl = static_cast<uint8_t>(ttl);
  spec.attempt = static_cast<uint8_t>(attempt);
  uint8_t buf[kMaxProbeLen];
  size_t len = builder.Build(spec, send_us, buf);
  return Bytes(buf, buf + len);
}

TEST(ParisTest, TcpFlowFieldsConstant) {
  ProbeCodec codec(FixedKey());
  ProbeBuilder builder(codec, Sources());
  Bytes first = BuildProbe(builder, kTarget, ProbeType::kTcpSyn, 443, 1, 0, kSendUs);
  std::set<uint32_t> seqs;
  for (int ttl = 1; ttl <= 32; ++ttl) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      for (int64_t send_us : kSendTimes) {
        Bytes p = BuildProbe(builder, kTarget, ProbeType::kTcpSyn, 443, ttl, attempt, send_us);
        SCOPED_TRACE(testing::Message() << "ttl " << ttl << " attempt " << attempt);
        ASSERT_EQ(p.size(), first.size());
        EXPECT_EQ(p[9], 6);
        EXPECT_EQ(p[8], ttl);
        EXPECT_EQ(Get32(&p[12]), kSource);
        EXPECT_EQ(Get32(&p[16]), kTarget);
        EXPECT_EQ(Get16(&p[20]), Get16(&first[20])) << "sport";
        EXPECT_EQ(Get16(&p[22]), 443) << "dport";
        EXPECT_EQ(p[1], first[1]) << "tos";
        EXPECT_EQ(wire::InternetChecksum(p.data(), 20), 0);
        EXPECT_EQ(wire::TransportChecksumIpv4(kSource, kTarget, 6, p.data() + 20, p.size() - 20), 0);
        seqs.insert(Get32(&p[24]));
      }
    }
  }
  // Each (ttl, attempt, tick) gets its own word; the first 3 send times share one tick.
  EXPECT_GE(seqs.size(), 32u * 4 * 5);
}

TEST(ParisTest, IcmpFlowFieldsConstantAndChecksumValid) {
  ProbeCodec codec(FixedKey());
  ProbeBuilder builder(codec, Sources());
  Bytes first = BuildProbe(builder, kTarget, ProbeType::kIcmpEcho, 0, 1, 0, kSendUs);
  for (int ttl = 1; ttl <= 32; ++ttl) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      for (int64_t send_us : kSendTimes) {
        Bytes p = BuildProbe(builder, kTarget, ProbeType::kIcmpEcho, 0, ttl, attempt, send_us);
        SCOPED_TRACE(testing::Message() << "ttl " << ttl << " attempt " << attempt);
        EXPECT_EQ(p[9], 1);
        EXPECT_EQ(Get32(&p[12]), kSource);
        EXPECT_EQ(Get32(&p[16]), kTarget);
        EXPECT_EQ(p[20], 8) << "type";
        EXPECT_EQ(p[21], 0) << "code";
        EXPECT_EQ(Get16(&p[22]), Get16(&first[22])) << "checksum must be constant";
        EXPECT_EQ(Get16(&p[24]), Get16(&first[24])) << "identifier";
        EXPECT_EQ(wire::InternetChecksum(p.data() + 20, p.size() - 20), 0) << "checksum invalid";
        EXPECT_EQ(wire::InternetChecksum(p.data(), 20), 0);
        EXPECT_NE(Get16(&p[4]), 0) << "IP ID";
      }
    }
  }
}

TEST(ParisTest, DifferentFlowsGetDifferentFields) {
  ProbeCodec codec(FixedKey());
  ProbeBuilder builder(codec, Sources());
  std::set<uint16_t> sports, ids, sums;
  const int kTargets = 200;
  for (int i = 0; i < kTargets; ++i) {
    uint32_t target = kTarget + static_cast<uint32_t>(i) * 7919;
    Bytes tcp = BuildProbe(builder, target, ProbeType::kTcpSyn, 443, 5, 0, kSendUs);
    Bytes icmp = BuildProbe(builder, target, ProbeType::kIcmpEcho, 0, 5, 0, kSendUs);
    sports.insert(Get16(&tcp[20]));
    ids.insert(Get16(&icmp[24]));
    sums.insert(Get16(&icmp[22]));
  }
  EXPECT_GE(sports.size(), 190u);
  EXPECT_GE(ids.size(), 190u);
  EXPECT_GE(sums.size(), 190u);
  // Different destination ports of one target are different flows too.
  std::set<uint16_t> per_port;
  for (uint16_t port : {22, 25, 80, 443, 8080, 8443, 53, 123}) {
    per_port.insert(codec.Flow(V4(kTarget), ProbeType::kTcpSyn, port).tcp_sport);
  }
  EXPECT_GE(per_port.size(), 7u);
}

Bytes BuildProbe6(const ProbeBuilder& builder, const wire::IpAddress& target, ProbeType type,
                  uint16_t port, int ttl, int attempt, int64_t send_us) {
  ProbeSpec spec{target, type, port, static_cast<uint8_t>(ttl), static_cast<uint8_t>(attempt)};
  uint8_t buf[kMaxProbeLen];
  size_t len = builder.Build(spec, send_us, buf);
  return Bytes(buf, buf + len);
}

// The fields per-flow balancers hash in an IPv6 probe: flow label, and the TCP source port
// or the ICMPv6 identifier and checksum (the addresses and destination port are the flow).
struct FlowKey6 {
  uint32_t flow_label;
  uint16_t sport_or_id;
  uint16_t icmp_checksum;
  friend bool operator==(const FlowKey6&, const FlowKey6&) = default;
};

FlowKey6 KeyOf(const Bytes& p) {
  const uint8_t* l4 = p.data() + kIpv6HeaderLen;
  bool icmp = p[kIpv6NextHeaderAt] == kNextHeaderIcmpv6;
  return {Ipv6FlowLabel(p.data()), Get16(l4 + (icmp ? kEchoIdAt : 0)),
          icmp ? Get16(l4 + kEchoChecksumAt) : uint16_t{0}};
}

TEST(ParisTest, Ipv6FlowFieldsConstantForEveryHopLimitAndAttempt) {
  ProbeCodec codec(FixedKey());
  ProbeBuilder builder(codec, Sources());
  std::mt19937_64 rng(41);
  for (int flow = 0; flow < 48; ++flow) {
    wire::IpAddress target =
        flow % 4 == 0 ? kTarget6
                      : wire::IpAddress::V6(0x2001000200000000 | (rng() & 0xffff), rng());
    ProbeType type = flow % 3 == 2 ? ProbeType::kIcmpEcho : ProbeType::kTcpSyn;
    uint16_t port = type == ProbeType::kTcpSyn ? static_cast<uint16_t>(1 + rng() % 65535) : 0;
    SCOPED_TRACE(testing::Message() << "flow " << flow << " port " << port);
    FlowKey6 first = KeyOf(BuildProbe6(builder, target, type, port, 1, 0, kSendUs));
    ASSERT_NE(first.flow_label, 0u);
    EXPECT_EQ(first.flow_label, codec.Flow(target, type, port).flow_label);
    for (int ttl = 1; ttl <= 32; ++ttl) {
      for (int attempt = 0; attempt < 4; ++attempt) {
        for (int64_t send_us : {kSendUs + ttl * 1000 + attempt, kSendUs + 5000000}) {
          Bytes p = BuildProbe6(builder, target, type, port, ttl, attempt, send_us);
          ASSERT_EQ(KeyOf(p), first) << "ttl " << ttl << " attempt " << attempt;
          ASSERT_EQ(p[kIpv6HopLimitAt], ttl);
          ASSERT_EQ(p[1] >> 4, 0) << "traffic class";
          ASSERT_EQ(Ipv6MessageChecksum(p.data(), p.size()), 0) << "checksum invalid";
        }
      }
    }
  }
}

TEST(ParisTest, Ipv6DifferentFlowsGetDifferentLabels) {
  ProbeCodec codec(FixedKey());
  ProbeBuilder builder(codec, Sources());
  std::set<uint32_t> labels, sports, ids, sums;
  const int kTargets = 500;
  for (int i = 0; i < kTargets; ++i) {
    wire::IpAddress target = wire::IpAddress::V6(kTarget6.high(), kTarget6.low() + i * 7919);
    Bytes tcp = BuildProbe6(builder, target, ProbeType::kTcpSyn, 443, 5, 0, kSendUs);
    Bytes icmp = BuildProbe6(builder, target, ProbeType::kIcmpEcho, 0, 5, 0, kSendUs);
    labels.insert(KeyOf(tcp).flow_label);
    labels.insert(KeyOf(icmp).flow_label);
    sports.insert(KeyOf(tcp).sport_or_id);
    ids.insert(KeyOf(icmp).sport_or_id);
    sums.insert(KeyOf(icmp).icmp_checksum);
  }
  // 1000 labels of 2^20 (~0.5 colliding pairs expected); 500 of 2^16 (~1.9).
  EXPECT_GE(labels.size(), 995u);
  EXPECT_GE(sports.size(), 490u);
  EXPECT_GE(ids.size(), 490u);
  EXPECT_GE(sums.size(), 490u);
  // Different destination ports of one target are different flows too.
  std::set<uint32_t> per_port;
  for (uint16_t port : {22, 25, 80, 443, 8080, 8443, 53, 123}) {
    per_port.insert(codec.Flow(kTarget6, ProbeType::kTcpSyn, port).flow_label);
  }
  EXPECT_EQ(per_port.size(), 8u);
}

}  // namespace
}  // namespace cutpoint::probe
