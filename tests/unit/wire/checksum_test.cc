// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/checksum.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"
#include "wire/ipv6_test_packets.h"

namespace cutpoint::wire {
namespace {

using testutil::Bytes;

// Straightforward reference: 16-bit one's complement sum with an end-around carry per add.
uint16_t ReferenceChecksum(const Bytes& data) {
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 2) {
    uint32_t word = uint32_t{data[i]} << 8;
    if (i + 1 < data.size()) word |= data[i + 1];
    sum += word;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum & 0xffff);
}

TEST(ChecksumTest, Rfc1071ExampleVector) {
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (checksum 220d).
  const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(FoldChecksum(AddChecksumBytes(0, data, sizeof(data))), 0xddf2);
  EXPECT_EQ(InternetChecksum(data, sizeof(data)), 0x220d);
  EXPECT_EQ(FinishChecksum(AddChecksumBytes(0, data, sizeof(data))), 0x220d);
}

TEST(ChecksumTest, KnownIpv4Header) {
  // A well-known header (192.168.0.1 -> 192.168.0.199, UDP) with checksum b861.
  uint8_t header[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                      0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(InternetChecksum(header, sizeof(header)), 0xb861);
  header[10] = 0xb8;
  header[11] = 0x61;
  EXPECT_EQ(InternetChecksum(header, sizeof(header)), 0);
}

TEST(ChecksumTest, OddLengthPadsWithZero) {
  const uint8_t one[] = {0x01};
  EXPECT_EQ(AddChecksumBytes(0, one, 1), 0x0100u);
  const uint8_t three[] = {0x00, 0x01, 0xf2};
  EXPECT_EQ(FoldChecksum(AddChecksumBytes(0, three, 3)), 0xf201);
  EXPECT_EQ(InternetChecksum(three, 3), static_cast<uint16_t>(~0xf201));
  // The RFC vector minus its last byte: ddf2 - 00f7.
  const uint8_t seven[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6};
  EXPECT_EQ(FoldChecksum(AddChecksumBytes(0, seven, 7)), 0xddf2 - 0x00f7);
  EXPECT_EQ(InternetChecksum(nullptr, 0), 0xffff);
}

TEST(ChecksumTest, MatchesReferenceOnRandomBuffers) {
  std::mt19937 rng(1071);
  for (int i = 0; i < 2000; ++i) {
    Bytes data(rng() % 300);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    ASSERT_EQ(InternetChecksum(data.data(), data.size()), ReferenceChecksum(data))
        << "len " << data.size();
  }
}

TEST(ChecksumTest, ChainingEvenChunksEqualsOneSum) {
  Bytes data(101);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 37 + 11);
  uint32_t partial = AddChecksumBytes(0, data.data(), 40);
  partial = AddChecksumBytes(partial, data.data() + 40, data.size() - 40);
  EXPECT_EQ(FoldChecksum(partial), FoldChecksum(AddChecksumBytes(0, data.data(), data.size())));
}

TEST(ChecksumTest, LargeBuffersCarryCorrectly) {
  Bytes ones(200000, 0xff);
  EXPECT_EQ(FoldChecksum(AddChecksumBytes(0, ones.data(), ones.size())), 0xffff);
  EXPECT_EQ(InternetChecksum(ones.data(), ones.size()), 0);
  // An accumulator close to overflow must still fold correctly.
  const uint8_t word[] = {0xff, 0xff};
  EXPECT_EQ(FoldChecksum(AddChecksumBytes(0xfffffffeu, word, 2)),
            FoldChecksum(0xfffeu + 0xffffu + 0xffffu));
}

// Pseudo-header built by hand, independently of TransportChecksumIpv4.
uint16_t ManualTransportChecksum(uint32_t src, uint32_t dst, uint8_t proto, const Bytes& seg) {
  Bytes buf(12);
  testutil::Put32(&buf[0], src);
  testutil::Put32(&buf[4], dst);
  buf[8] = 0;
  buf[9] = proto;
  testutil::Put16(&buf[10], static_cast<uint16_t>(seg.size()));
  buf.insert(buf.end(), seg.begin(), seg.end());
  return ReferenceChecksum(buf);
}

TEST(ChecksumTest, TransportChecksumValidatesToZero) {
  const uint32_t src = testutil::Ip(192, 0, 2, 1), dst = testutil::Ip(185, 70, 40, 101);
  for (size_t len : {20u, 21u, 24u, 33u, 1u}) {
    Bytes seg(len);
    for (size_t i = 0; i < len; ++i) seg[i] = static_cast<uint8_t>(0xa5 ^ (i * 7));
    if (len >= 18) { seg[16] = 0; seg[17] = 0; }
    uint16_t sum = TransportChecksumIpv4(src, dst, 6, seg.data(), seg.size());
    EXPECT_EQ(sum, ManualTransportChecksum(src, dst, 6, seg)) << "len " << len;
    if (len >= 18) {
      testutil::Put16(&seg[16], sum);
      EXPECT_EQ(TransportChecksumIpv4(src, dst, 6, seg.data(), seg.size()), 0) << "len " << len;
      // Any change to the pseudo-header breaks it.
      EXPECT_NE(TransportChecksumIpv4(src + 1, dst, 6, seg.data(), seg.size()), 0);
      EXPECT_NE(TransportChecksumIpv4(src, dst, 17, seg.data(), seg.size()), 0);
    }
  }
}

TEST(ChecksumTest, TransportChecksumKnownTcpSegment) {
  // SYN 10.0.0.1:12345 -> 10.0.0.2:80, seq 1, window 65535; computed by hand:
  // pseudo: 0a00+0001+0a00+0002+0006+0014 = 141d; tcp: 3039+0050+0001+5002+ffff = 1808b;
  // total 194a8 -> folds to 94a9; checksum ~94a9 = 6b56.
  Bytes seg = {0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
               0, 0, 0, 0};
  EXPECT_EQ(TransportChecksumIpv4(testutil::Ip(10, 0, 0, 1), testutil::Ip(10, 0, 0, 2), 6,
                                  seg.data(), seg.size()),
            0x6b56);
}

// The IPv6 pseudo-header built by hand (RFC 8200 8.1), independently of TransportChecksumIpv6.
uint16_t ManualTransportChecksumIpv6(const Bytes& src, const Bytes& dst, uint8_t next_header,
                                     const Bytes& seg) {
  Bytes buf = src;
  buf.insert(buf.end(), dst.begin(), dst.end());
  buf.resize(40, 0);
  testutil::Put32(&buf[32], static_cast<uint32_t>(seg.size()));
  buf[39] = next_header;
  buf.insert(buf.end(), seg.begin(), seg.end());
  return ReferenceChecksum(buf);
}

TEST(ChecksumTest, TransportChecksumIpv6MatchesThePseudoHeader) {
  Bytes src(16), dst(16);
  for (size_t i = 0; i < 16; ++i) {
    src[i] = static_cast<uint8_t>(0x20 + i * 13);
    dst[i] = static_cast<uint8_t>(0xfe - i * 7);
  }
  for (size_t len : {1u, 8u, 20u, 21u, 36u, 77u, 1232u, 70000u}) {
    Bytes seg(len);
    for (size_t i = 0; i < len; ++i) seg[i] = static_cast<uint8_t>(0x5a ^ (i * 11));
    for (uint8_t next : {uint8_t{6}, uint8_t{58}}) {
      uint16_t sum = TransportChecksumIpv6(src.data(), dst.data(), next, seg.data(), len);
      EXPECT_EQ(sum, ManualTransportChecksumIpv6(src, dst, next, seg)) << "len " << len;
    }
  }
}

// libtins as the oracle: the checksums it writes into TCP and ICMPv6 over IPv6 verify to 0,
// and recomputing with the field zeroed gives libtins' value.
TEST(ChecksumTest, TransportChecksumIpv6AgreesWithLibtins) {
  const v6test::Bytes packets[] = {v6test::SynProbe(7), v6test::EchoProbe(7),
                                   v6test::TcpReply(0x12, 99), v6test::EchoReply()};
  for (const v6test::Bytes& packet : packets) {
    uint8_t next = packet[6];
    v6test::Bytes seg(packet.begin() + 40, packet.end());
    EXPECT_EQ(TransportChecksumIpv6(&packet[8], &packet[24], next, seg.data(), seg.size()), 0);
    size_t field = next == 6 ? 16 : 2;
    uint16_t theirs = testutil::Get16(&seg[field]);
    seg[field] = seg[field + 1] = 0;
    EXPECT_EQ(TransportChecksumIpv6(&packet[8], &packet[24], next, seg.data(), seg.size()),
              theirs);
  }
}

}  // namespace
}  // namespace cutpoint::wire
