// SPDX-License-Identifier: Apache-2.0
// WriteReplyLine against the JsonLine reference (FormatReply) and against exact strings.
#include "engine/report/reply_line.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "engine/report/records.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

std::string Fast(const match::ReplyRecord& r, bool with_status = false) {
  std::string buffer(kMaxReplyLineBytes, '\xee');
  char* end = WriteReplyLine(r, with_status, buffer.data());
  size_t len = static_cast<size_t>(end - buffer.data());
  EXPECT_LE(len, kMaxReplyLineBytes);
  return buffer.substr(0, len);
}

std::string Reference(const match::ReplyRecord& r, bool with_status = false) {
  JsonLine line;
  FormatReply(r, &line, with_status);
  return std::string(line.Finish());
}

match::ReplyRecord SynAck() {
  match::ReplyRecord r;
  r.target = Ip(185, 70, 40, 101);
  r.port = 8443;
  r.probe_ttl = 30;
  r.kind = match::ReplyKind::kSynAck;
  r.from = Ip(185, 70, 40, 101);
  r.reply_ttl = 57;
  r.recv_time_us = 1700000000146912;
  r.rtt_us = 24512;
  r.is_tcp = true;
  r.tcp_flags = 0x12;
  r.tcp_window = 29200;
  return r;
}

TEST(WriteReplyLineTest, SynAckByteExact) {
  EXPECT_EQ(Fast(SynAck()),
            "{\"type\":\"reply\",\"target\":\"185.70.40.101\",\"probe\":\"tcp-syn\",\"port\":8443,"
            "\"ttl\":30,\"attempt\":0,\"kind\":\"syn_ack\",\"from\":\"185.70.40.101\","
            "\"reply_ttl\":57,\"ipid\":0,\"rtt_us\":24512,\"rtt_exact\":false,"
            "\"time_us\":1700000000146912,\"ip_version\":4,\"tcp_flags\":\"SA\",\"tcp_window\":29200}\n");
  EXPECT_EQ(Fast(SynAck(), true), Reference(SynAck(), true));
  EXPECT_NE(Fast(SynAck(), true).find("\"kind\":\"syn_ack\",\"status\":\"open\",\"from\""),
            std::string::npos);
}

// A scan reply that contradicts its port's earlier one ends with "conflict": true, in
// both writers; without the flag nothing changes.
TEST(WriteReplyLineTest, ConflictIsTheLastField) {
  match::ReplyRecord rst = SynAck();
  rst.kind = match::ReplyKind::kRst;
  rst.tcp_flags = 0x14;
  rst.tcp_window = 0;
  std::string buffer(kMaxReplyLineBytes, '\xee');
  const std::string fast(buffer.data(), WriteReplyLine(rst, true, buffer.data(), true));
  JsonLine line;
  FormatReply(rst, &line, true, true);
  EXPECT_EQ(fast, std::string(line.Finish()));
  EXPECT_NE(fast.find("\"status\":\"closed\""), std::string::npos);
  EXPECT_TRUE(fast.ends_with(",\"tcp_flags\":\"RA\",\"tcp_window\":0,\"conflict\":true}\n")) << fast;
  EXPECT_EQ(Fast(rst, true).find("conflict"), std::string::npos);
}

TEST(WriteReplyLineTest, ExtremeAddressesAndIntegers) {
  match::ReplyRecord r = SynAck();
  r.target = wire::IpAddress::V4(0);
  r.from = wire::IpAddress::V4(0xffffffff);
  r.port = 65535;
  r.probe_ttl = 255;
  r.attempt = 255;
  r.reply_ttl = 0;
  r.reply_ipid = 65535;
  r.rtt_us = std::numeric_limits<int64_t>::min();
  r.recv_time_us = std::numeric_limits<int64_t>::max();
  r.rtt_exact = true;
  r.tcp_flags = 0xff;
  r.tcp_window = 0;
  EXPECT_EQ(Fast(r),
            "{\"type\":\"reply\",\"target\":\"0.0.0.0\",\"probe\":\"tcp-syn\",\"port\":65535,"
            "\"ttl\":255,\"attempt\":255,\"kind\":\"syn_ack\",\"from\":\"255.255.255.255\","
            "\"reply_ttl\":0,\"ipid\":65535,\"rtt_us\":-9223372036854775808,\"rtt_exact\":true,"
            "\"time_us\":9223372036854775807,\"ip_version\":4,\"tcp_flags\":\"FSRPAUEC\",\"tcp_window\":0}\n");
  EXPECT_EQ(Fast(r), Reference(r));
  r.tcp_flags = 0;
  r.rtt_us = -1;
  r.recv_time_us = 0;
  EXPECT_EQ(Fast(r), Reference(r));
  EXPECT_NE(Fast(r).find("\"rtt_us\":-1,"), std::string::npos);
  EXPECT_NE(Fast(r).find("\"tcp_flags\":\"\","), std::string::npos);
}

TEST(WriteReplyLineTest, EveryDigitCountAndOctet) {
  match::ReplyRecord r = SynAck();
  for (int octet = 0; octet < 256; ++octet) {
    r.target = Ip(octet, 255 - octet, octet / 2, 9);
    r.from = Ip(9, octet, octet, 255 - octet);
    ASSERT_EQ(Fast(r), Reference(r)) << octet;
  }
  for (uint64_t magnitude = 1; magnitude != 0 && magnitude <= 1000000000000000000u;
       magnitude *= 10) {
    for (int64_t delta : {-1, 0, 1}) {
      r.rtt_us = static_cast<int64_t>(magnitude) + delta;
      r.recv_time_us = -r.rtt_us;
      ASSERT_EQ(Fast(r), Reference(r)) << r.rtt_us;
    }
  }
}

TEST(WriteReplyLineTest, TimeExceededWithFullMplsStackFitsTheBound) {
  match::ReplyRecord r;
  r.target = wire::IpAddress::V4(0xffffffff);
  r.probe_type = probe::ProbeType::kTcpSyn;
  r.port = 65535;
  r.probe_ttl = 255;
  r.attempt = 255;
  r.kind = match::ReplyKind::kDestUnreachable;
  r.from = wire::IpAddress::V4(0xfefefefe);
  r.reply_ttl = 255;
  r.reply_ipid = 65535;
  r.rtt_us = std::numeric_limits<int64_t>::min();
  r.recv_time_us = std::numeric_limits<int64_t>::min();
  r.is_icmp = r.is_tcp = r.has_quote = true;  // never all at once in practice: widest line
  r.icmp_type = r.icmp_code = r.tcp_flags = 255;
  r.tcp_window = r.quoted_ipid = r.quoted_len = 65535;
  r.quoted_ttl = 255;
  r.mpls.count = wire::kMaxMplsEntries;
  for (wire::MplsEntry& entry : r.mpls.entries) entry = {0xfffff, 7, false, 255};
  std::string line = Fast(r, true);
  EXPECT_EQ(line, Reference(r, true));
  EXPECT_LT(line.size() * 2, kMaxReplyLineBytes) << line.size();
}

TEST(WriteReplyLineTest, EchoReplyHasNoPort) {
  match::ReplyRecord r;
  r.target = Ip(1, 1, 1, 1);
  r.probe_type = probe::ProbeType::kIcmpEcho;
  r.probe_ttl = 12;
  r.attempt = 3;
  r.kind = match::ReplyKind::kEchoReply;
  r.from = Ip(1, 1, 1, 1);
  r.reply_ttl = 58;
  r.reply_ipid = 65535;
  r.recv_time_us = 5;
  r.rtt_us = 3;
  r.rtt_exact = true;
  r.is_icmp = true;
  EXPECT_EQ(Fast(r),
            "{\"type\":\"reply\",\"target\":\"1.1.1.1\",\"probe\":\"icmp-echo\",\"ttl\":12,"
            "\"attempt\":3,\"kind\":\"echo_reply\",\"from\":\"1.1.1.1\",\"reply_ttl\":58,"
            "\"ipid\":65535,\"rtt_us\":3,\"rtt_exact\":true,\"time_us\":5,\"ip_version\":4,\"icmp_type\":0,"
            "\"icmp_code\":0}\n");
}

// Every kind (so every kind and status name, which go out unescaped), both probe types,
// every optional block present or absent, MPLS stacks of 0..8, random field values.
TEST(WriteReplyLineTest, MatchesReferenceOnRandomRecords) {
  std::mt19937_64 rng(20240611);
  auto pick = [&](uint64_t n) { return rng() % n; };
  auto wide = [&]() -> int64_t {  // small, mid and full-range values alike
    switch (pick(3)) {
      case 0: return static_cast<int64_t>(pick(1000)) - 500;
      case 1: return static_cast<int64_t>(rng() >> pick(64));
      default: return static_cast<int64_t>(rng());
    }
  };
  for (int i = 0; i < 20000; ++i) {
    match::ReplyRecord r;
    r.target = wire::IpAddress::V4(static_cast<uint32_t>(rng()));
    r.probe_type = pick(2) ? probe::ProbeType::kTcpSyn : probe::ProbeType::kIcmpEcho;
    r.port = static_cast<uint16_t>(rng());
    r.probe_ttl = static_cast<uint8_t>(rng());
    r.attempt = static_cast<uint8_t>(rng());
    r.kind = static_cast<match::ReplyKind>(pick(7));
    r.from = wire::IpAddress::V4(static_cast<uint32_t>(rng()));
    r.reply_ttl = static_cast<uint8_t>(rng());
    r.reply_ipid = static_cast<uint16_t>(rng());
    r.recv_time_us = wide();
    r.rtt_us = wide();
    r.rtt_exact = pick(2);
    r.is_icmp = pick(2);
    r.icmp_type = static_cast<uint8_t>(rng());
    r.icmp_code = static_cast<uint8_t>(rng());
    r.is_tcp = pick(2);
    r.tcp_flags = static_cast<uint8_t>(rng());
    r.tcp_window = static_cast<uint16_t>(rng());
    r.has_quote = pick(2);
    r.quoted_ttl = static_cast<uint8_t>(rng());
    r.quoted_ipid = static_cast<uint16_t>(rng());
    r.quoted_len = static_cast<uint16_t>(rng());
    r.mpls.count = static_cast<uint8_t>(pick(wire::kMaxMplsEntries + 1));
    for (wire::MplsEntry& entry : r.mpls.entries) {
      entry = {static_cast<uint32_t>(rng() & 0xfffff), static_cast<uint8_t>(pick(8)),
               pick(2) == 1, static_cast<uint8_t>(rng())};
    }
    bool with_status = pick(2);
    ASSERT_EQ(Fast(r, with_status), Reference(r, with_status)) << "record " << i;
  }
}

}  // namespace
}  // namespace cutpoint::report
