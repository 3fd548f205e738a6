// Paris-traceroute flow constancy: the header fields per-flow load balancers hash must be
// identical for every TTL, attempt and send time of one flow.
#include <set>

#include "engine/probe/probe_builder.h"
#include "engine/wire/checksum.h"
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

}  // namespace
}  // namespace cutpoint::probe
